"""Crossover one call late: (c - 1) // (n - 1) + 2, the first k after the graph is ahead."""

from mini_vllm.launch_cost import *

CAUGHT_BY = [
    "test_crossover_with_the_default_capture",
    "test_crossover_at_capture_5n_matches_brute_force",
    "test_crossover_matches_brute_force_for_any_capture_cost",
    "test_a_tie_is_not_a_crossover",
    "test_crossover_of_a_capture_worth_m_passes",
    "test_crossover_is_a_closed_form",
]


def crossover(num_ops, capture_cost_ops=None):
    c = num_ops if capture_cost_ops is None else capture_cost_ops
    if num_ops < 1 or c < 1:
        raise ValueError("num_ops and capture_cost_ops must be >= 1")
    if num_ops == 1:
        return None
    return (c - 1) // (num_ops - 1) + 2
