"""§7: charges each batch step_time(batch), its own rows: every ladder then costs the same, so one rung "wins"."""

from mini_vllm.capture_sizes import *
from mini_vllm.capture_sizes import _cheapest_ladder

CAUGHT_BY = ["test_fastest_ladder_worked_example", "test_fastest_ladder_matches_brute_force"]


def fastest_ladder(traffic, num_rungs, step_time, max_batch=None):
    if not callable(step_time):
        raise TypeError(f"step_time must be callable, got {step_time!r}")
    # The batches' own rows do not depend on the ladder, so no rung below the top ever pays.
    return _cheapest_ladder(traffic, num_rungs, max_batch, lambda rows: 0)
