"""Builds the "optimal" ladder greedily from the most frequent batch sizes, which is not optimal."""

from mini_vllm.capture_sizes import *
from mini_vllm.capture_sizes import _traffic_weights

CAUGHT_BY = ["test_optimal_ladder_matches_brute_force", "test_optimal_ladder_never_pads_more_than_the_default"]


def optimal_ladder(traffic, num_rungs, max_batch=None):
    if num_rungs < 1:
        raise ValueError(f"num_rungs must be >= 1, got {num_rungs}")
    weights = _traffic_weights(traffic)
    top = max(weights) if max_batch is None else max_batch
    if top < 1:
        raise ValueError(f"max_batch must be >= 1, got {top}")
    common = sorted((b for b in weights if b < top), key=lambda b: -weights[b])
    return sorted(common[: num_rungs - 1]) + [top]
