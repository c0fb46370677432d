"""optimal_ladder minimises padding with no top rung: the smallest sizes, the rest eager (pads nothing)."""

from mini_vllm.capture_sizes import *
from mini_vllm.capture_sizes import _traffic_weights

CAUGHT_BY = ["test_optimal_ladder_matches_brute_force", "test_optimal_ladder_is_a_valid_ladder_ending_at_max_batch",
             "test_optimal_ladder_defaults_max_batch_to_the_largest_batch"]


def optimal_ladder(traffic, num_rungs, max_batch=None):
    if num_rungs < 1:
        raise ValueError(f"num_rungs must be >= 1, got {num_rungs}")
    return sorted(_traffic_weights(traffic))[:num_rungs]
