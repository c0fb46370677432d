"""§7: a stack's island of back-to-back splitting ops charged one launch, not one per op."""

from mini_vllm.compilation import *
from mini_vllm.compilation import launches

CAUGHT_BY = ["test_stacked_piecewise_launches_count_the_whole_stack", "test_stacked_launches_without_building_the_stack"]


def stacked_launches(layer, num_layers, mode):
    if mode == "PIECEWISE":
        launches.stacked_launches(layer, num_layers, mode)  # the reference's checks
        runs = len([r for r in layer.split("A") if r]) + len([r for r in layer.split("C") if r])
        return num_layers * runs - (num_layers - 1) * (layer[0] == layer[-1])  # a run of either kind joins
    return launches.stacked_launches(layer, num_layers, mode)
