"""No getitem rule: a getitem that unpacks a splitting op's result starts the next compiled piece."""

from torch.fx.passes.split_module import split_module

from mini_vllm.compilation import *

CAUGHT_BY = ["test_a_getitem_stays_with_the_splitting_op_it_unpacks"]


def split_graph(gm, splitting_ops):
    piece_of, piece, islands, previous = {}, 0, set(), None
    for node in gm.graph.nodes:
        if node.op in ("placeholder", "output"):
            continue
        splits = should_split(node, splitting_ops)
        if splits and not (previous is not None and should_split(previous, splitting_ops)):
            piece += 1
            islands.add(piece)
        elif not splits and piece in islands:
            piece += 1  # bug: a getitem of the island's result lands here too
        piece_of[node], previous = piece, node
    split_gm = split_module(gm, None, lambda n: piece_of[n], keep_original_order=True)
    ids = sorted(int(name.removeprefix("submod_")) for name, _ in split_gm.named_children())
    return split_gm, [SplitItem(f"submod_{i}", i, i in islands, getattr(split_gm, f"submod_{i}")) for i in ids]
