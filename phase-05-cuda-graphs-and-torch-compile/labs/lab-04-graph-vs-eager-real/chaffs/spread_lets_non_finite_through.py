"""spread refuses samples <= 0 but lets NaN and infinity through (NaN <= 0 is False), so its median is noise."""

from mini_vllm.bench_analysis import *
from mini_vllm.gpu.cuda_graph_runner import *
from mini_vllm.model_shapes import *
from mini_vllm.speedup_predictor import *

CAUGHT_BY = ["test_spread_refuses_non_samples"]


def spread(samples):
    values = sorted(samples)
    if not values or any(x <= 0 for x in values):
        raise ValueError(f"samples must be numbers > 0, got {samples}")
    n = len(values)
    middle = values[n // 2] if n % 2 else (values[n // 2 - 1] + values[n // 2]) / 2
    return Spread(middle, values[0], values[-1])
