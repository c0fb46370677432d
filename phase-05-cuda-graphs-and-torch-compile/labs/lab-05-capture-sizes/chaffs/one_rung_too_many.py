"""Spends num_rungs on the lower rungs and adds max_batch on top: one capture over budget."""

from mini_vllm.capture_sizes import *
from mini_vllm.capture_sizes import optimal_ladder as reference_optimal

CAUGHT_BY = ["test_optimal_ladder_matches_brute_force", "test_optimal_ladder_is_a_valid_ladder_ending_at_max_batch"]


def optimal_ladder(traffic, num_rungs, max_batch=None):
    return reference_optimal(traffic, num_rungs + 1, max_batch)
