"""Launches per step under PIECEWISE count the compiled pieces' replays and forget the live islands."""

from mini_vllm.compilation import *
from mini_vllm.compilation import launches

CAUGHT_BY = [
    "test_launches_per_step_piecewise_on_the_decoder_layout",
    "test_adjacent_splitting_ops_each_launch_live",
]


def launches_per_step(items, mode):
    if mode == "PIECEWISE":
        launches.launches_per_step(items, mode)  # the reference's checks
        return sum(not item.is_splitting_graph for item in items)
    return launches.launches_per_step(items, mode)
