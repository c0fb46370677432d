"""split_graph returns the pieces sorted by name, so submod_10 comes before submod_2."""

from mini_vllm.compilation import *
from mini_vllm.compilation import partition

CAUGHT_BY = ["test_pieces_keep_graph_order"]


def split_graph(gm, splitting_ops):
    split_gm, items = partition.split_graph(gm, splitting_ops)
    return split_gm, sorted(items, key=lambda item: item.submod_name)
