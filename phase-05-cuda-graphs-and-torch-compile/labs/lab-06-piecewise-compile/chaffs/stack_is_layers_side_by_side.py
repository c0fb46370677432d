"""§7: the stack counted as num_layers separate layers, so no piece ever crosses a layer boundary."""

from mini_vllm.compilation import *
from mini_vllm.compilation import launches

CAUGHT_BY = ["test_stacked_piecewise_launches_count_the_whole_stack", "test_stacked_launches_without_building_the_stack"]


def stacked_launches(layer, num_layers, mode):
    one_layer = launches.stacked_launches(layer, 1, mode)  # the reference's checks, one layer's bill
    launches.stacked_launches(layer, num_layers, mode)  # and num_layers' own checks
    return 1 if mode == "FULL" else num_layers * one_layer
