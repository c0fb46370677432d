"""split_module without keep_original_order: a piece that needs no earlier island is called first.

The reference backend looks split_graph up in its own module, so the bug is installed there too
(each chaff runs in a pytest process of its own).
"""

from mini_vllm.compilation import *
from mini_vllm.compilation import backend, partition

CAUGHT_BY = ["test_branching_pieces_are_called_in_graph_order"]


def split_graph(gm, splitting_ops):
    import torch.fx.passes.split_module as passes

    original = passes.split_module
    passes.split_module = lambda *args, **kwargs: original(*args, **{**kwargs, "keep_original_order": False})
    try:
        return partition.split_graph(gm, splitting_ops)
    finally:
        passes.split_module = original


backend.split_graph = split_graph
