"""§7: the stack built as a string and walked: right for a few layers, impossible for 10**18."""

import itertools

from mini_vllm.compilation import *
from mini_vllm.compilation import launches

CAUGHT_BY = ["test_stacked_launches_without_building_the_stack"]


def stacked_launches(layer, num_layers, mode):
    if mode != "PIECEWISE":
        return launches.stacked_launches(layer, num_layers, mode)
    launches.stacked_launches(layer, num_layers, "NONE")  # the reference's checks
    return sum(len(list(run)) if c == "A" else 1 for c, run in itertools.groupby(layer * num_layers))
