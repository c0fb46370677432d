"""speedup_table pairs the repeats of two arms and takes the median of their ratios."""

from statistics import median

from mini_vllm.bench_analysis import *
from mini_vllm.bench_analysis import _runs_by_arm
from mini_vllm.gpu.cuda_graph_runner import *
from mini_vllm.model_shapes import *
from mini_vllm.speedup_predictor import *

CAUGHT_BY = ["test_speedup_is_a_ratio_of_medians"]

_reference = speedup_table


def speedup_table(results, arm, baseline="eager"):
    a, b = _runs_by_arm(results, arm), _runs_by_arm(results, baseline)
    return [r._replace(speedup=median(x / y for x, y in zip(a[r.batch], b[r.batch])))
            for r in _reference(results, arm, baseline)]
