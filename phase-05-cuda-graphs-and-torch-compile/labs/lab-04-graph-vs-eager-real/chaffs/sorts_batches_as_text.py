"""speedup_table sorts its rows by str(batch), so 256 comes before 64 and 8."""

from mini_vllm.bench_analysis import *
from mini_vllm.gpu.cuda_graph_runner import *
from mini_vllm.model_shapes import *
from mini_vllm.speedup_predictor import *

CAUGHT_BY = ["test_rows_are_sorted_by_batch", "test_speedup_table_on_the_committed_results"]

_reference = speedup_table


def speedup_table(results, arm, baseline="eager"):
    return sorted(_reference(results, arm, baseline), key=lambda r: str(r.batch))
