"""Launches per step under FULL replay one graph per piece instead of one graph for the step."""

from mini_vllm.compilation import *
from mini_vllm.compilation import launches

CAUGHT_BY = ["test_launches_per_step_full_is_one_replay"]


def launches_per_step(items, mode):
    if mode == "FULL":
        launches.launches_per_step(items, mode)  # the reference's checks
        return len(items)
    return launches.launches_per_step(items, mode)
