"""§7: every layer boundary merges two compiled pieces, even where a splitting op sits at it."""

from mini_vllm.compilation import *
from mini_vllm.compilation import launches

CAUGHT_BY = ["test_stacked_piecewise_launches_count_the_whole_stack", "test_stacked_launches_without_building_the_stack"]


def stacked_launches(layer, num_layers, mode):
    right = launches.stacked_launches(layer, num_layers, mode)  # the reference, its checks included
    joins_wrongly = "C" in layer and not layer[0] == layer[-1] == "C"
    return right - (num_layers - 1) if mode == "PIECEWISE" and joins_wrongly else right
