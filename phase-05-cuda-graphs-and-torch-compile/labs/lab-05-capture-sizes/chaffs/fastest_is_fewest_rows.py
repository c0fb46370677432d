"""A "fastest" ladder that still minimises padded rows, as if a row were a unit of time."""

from mini_vllm.capture_sizes import *

CAUGHT_BY = ["test_fastest_ladder_worked_example", "test_fastest_ladder_matches_brute_force"]


def fastest_ladder(traffic, num_rungs, step_time, max_batch=None):
    if not callable(step_time):
        raise TypeError("step_time must be callable")
    return optimal_ladder(traffic, num_rungs, max_batch)
