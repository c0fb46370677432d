"""§7: every layer boundary merges two compiled pieces, even where a splitting op sits at it."""

from mini_vllm.compilation import *
from mini_vllm.compilation import launches

CAUGHT_BY = ["test_stacked_piecewise_launches_count_the_whole_stack",
             "test_stacked_launches_without_building_the_stack"]


def stacked_launches(layer, num_layers, mode):
    if mode != "PIECEWISE":
        return launches.stacked_launches(layer, num_layers, mode)
    launches.stacked_launches(layer, num_layers, "NONE")  # the reference's checks
    runs = len([run for run in layer.split("A") if run])
    return num_layers * (layer.count("A") + runs) - (num_layers - 1) * (runs > 0)
