"""Every splitting op gets an island of its own, even right after another splitting op."""

from torch.fx.passes.split_module import split_module

from mini_vllm.compilation import *

CAUGHT_BY = ["test_back_to_back_splitting_ops_share_one_piece"]


def split_graph(gm, splitting_ops):
    piece_of, piece, islands = {}, 0, set()
    for node in gm.graph.nodes:
        if node.op in ("placeholder", "output"):
            continue
        if should_split(node, splitting_ops):
            piece += 1  # bug: no check whether the previous node was a splitting op too
            islands.add(piece)
        elif piece in islands:
            piece += 1
        piece_of[node] = piece
    split_gm = split_module(gm, None, lambda n: piece_of[n], keep_original_order=True)
    ids = sorted(int(name.removeprefix("submod_")) for name, _ in split_gm.named_children())
    return split_gm, [SplitItem(f"submod_{i}", i, i in islands, getattr(split_gm, f"submod_{i}")) for i in ids]
