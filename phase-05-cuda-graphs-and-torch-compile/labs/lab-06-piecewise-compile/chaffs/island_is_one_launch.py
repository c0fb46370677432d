"""Launches per step count each eager island as one launch, though every op in it runs live."""

from mini_vllm.compilation import *
from mini_vllm.compilation import launches

CAUGHT_BY = ["test_adjacent_splitting_ops_each_launch_live", "test_split_then_count_agrees_with_the_layout"]


def launches_per_step(items, mode):
    if mode == "PIECEWISE":
        launches.launches_per_step(items, mode)  # the reference's checks
        return len(items)
    return launches.launches_per_step(items, mode)
