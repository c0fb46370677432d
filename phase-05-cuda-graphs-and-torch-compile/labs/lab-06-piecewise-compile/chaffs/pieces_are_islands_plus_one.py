"""§7: the decoder's "N islands, N+1 pieces" taken as a law: pieces = islands + 1 for any layer."""

from mini_vllm.compilation import *
from mini_vllm.compilation import launches

CAUGHT_BY = ["test_stacked_piecewise_launches_count_the_whole_stack", "test_stacked_launches_without_building_the_stack"]


def stacked_launches(layer, num_layers, mode):
    eager = launches.stacked_launches(layer, num_layers, "NONE")  # the reference's checks
    if mode != "PIECEWISE":
        return eager if mode == "NONE" else launches.stacked_launches(layer, num_layers, mode)
    islands_per_layer = len([run for run in layer.split("C") if run])
    return num_layers * islands_per_layer + 1 + num_layers * layer.count("A")
