"""split_graph never flags the attention pieces, so the backend compiles attention too.

The reference backend looks split_graph up in its own module, so the bug is installed there
(each chaff runs in a pytest process of its own).
"""

import dataclasses

from mini_vllm.compilation import *
from mini_vllm.compilation import backend, partition

CAUGHT_BY = ["test_only_non_attention_pieces_are_compiled", "test_n_layers_give_n_plus_1_compiled_pieces"]


def split_graph(gm, splitting_ops):
    split_gm, items = partition.split_graph(gm, splitting_ops)
    return split_gm, [dataclasses.replace(item, is_splitting_graph=False) for item in items]


backend.split_graph = split_graph
