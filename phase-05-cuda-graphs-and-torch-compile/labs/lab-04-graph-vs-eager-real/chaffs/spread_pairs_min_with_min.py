"""speedup_table's range divides min by min and max by max instead of worst and best case."""

from mini_vllm.bench_analysis import *
from mini_vllm.bench_analysis import _runs_by_arm
from mini_vllm.gpu.cuda_graph_runner import *
from mini_vllm.model_shapes import *
from mini_vllm.speedup_predictor import *

CAUGHT_BY = ["test_spread_carries_worst_and_best_case", "test_speedup_table_on_the_committed_results"]

_reference = speedup_table


def speedup_table(results, arm, baseline="eager"):
    a, b = _runs_by_arm(results, arm), _runs_by_arm(results, baseline)
    return [r._replace(low=min(a[r.batch]) / min(b[r.batch]), high=max(a[r.batch]) / max(b[r.batch]))
            for r in _reference(results, arm, baseline)]
