"""optimal_ladder returns its rungs top first, a ladder that is not increasing."""

from mini_vllm.capture_sizes import *
from mini_vllm.capture_sizes import optimal_ladder as reference_optimal

CAUGHT_BY = ["test_optimal_ladder_is_a_valid_ladder_ending_at_max_batch"]


def optimal_ladder(traffic, num_rungs, max_batch=None):
    return sorted(reference_optimal(traffic, num_rungs, max_batch), reverse=True)
