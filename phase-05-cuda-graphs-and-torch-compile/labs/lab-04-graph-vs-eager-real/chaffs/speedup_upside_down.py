"""speedup_table divides the baseline by the arm, so a faster arm shows a speedup below 1."""

from mini_vllm.bench_analysis import *
from mini_vllm.gpu.cuda_graph_runner import *
from mini_vllm.model_shapes import *
from mini_vllm.speedup_predictor import *

CAUGHT_BY = ["test_speedup_is_arm_over_baseline", "test_speedup_table_on_the_committed_results"]

_reference = speedup_table


def speedup_table(results, arm, baseline="eager"):
    return [SpeedupRow(r.batch, 1 / r.speedup, 1 / r.high, 1 / r.low) for r in _reference(results, arm, baseline)]
