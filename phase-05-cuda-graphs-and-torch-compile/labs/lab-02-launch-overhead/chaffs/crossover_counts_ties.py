"""Counts a tie as the crossover: the first k with graph <= eager instead of graph < eager."""

import math

from mini_vllm.launch_cost import *

CAUGHT_BY = [
    "test_crossover_with_the_default_capture",
    "test_crossover_at_capture_5n_matches_brute_force",
    "test_a_tie_is_not_a_crossover",
]


def crossover(num_ops, capture_cost_ops=None):
    c = num_ops if capture_cost_ops is None else capture_cost_ops
    if num_ops < 1 or c < 1:
        raise ValueError("num_ops and capture_cost_ops must be >= 1")
    if num_ops == 1:
        return None
    return max(1, math.ceil((c - 1) / (num_ops - 1)))
