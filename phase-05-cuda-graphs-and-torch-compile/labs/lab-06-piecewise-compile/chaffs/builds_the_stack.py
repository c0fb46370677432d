"""§7: the stack built as a string and walked: right for small stacks, impossible for 10**18."""

import itertools

from mini_vllm.compilation import *
from mini_vllm.compilation import launches

CAUGHT_BY = ["test_stacked_launches_without_building_the_stack"]


def stacked_launches(layer, num_layers, mode):
    launches.stacked_launches(layer, num_layers, mode)  # the reference's checks
    stack = layer * num_layers
    runs = [(c, len(list(run))) for c, run in itertools.groupby(stack)]
    return {"NONE": len(stack), "FULL": 1, "PIECEWISE": sum(n if c == "A" else 1 for c, n in runs)}[mode]
