"""spread takes sorted(samples)[n // 2] as the median, which is wrong for an even count."""

from mini_vllm.bench_analysis import *
from mini_vllm.gpu.cuda_graph_runner import *
from mini_vllm.model_shapes import *
from mini_vllm.speedup_predictor import *

CAUGHT_BY = ["test_spread_is_median_min_max"]


def spread(samples):
    ordered = sorted(samples)
    return Spread(ordered[len(ordered) // 2], ordered[0], ordered[-1])
