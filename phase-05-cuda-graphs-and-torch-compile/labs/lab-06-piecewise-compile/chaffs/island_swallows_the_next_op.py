"""A splitting op opens a new piece, but the op after it stays in the attention island."""

from torch.fx.passes.split_module import split_module

from mini_vllm.compilation import *

CAUGHT_BY = ["test_each_attention_call_is_alone_in_its_piece", "test_split_layout_follows_the_graph"]


def split_graph(gm, splitting_ops):
    piece_of, piece, islands = {}, 0, set()
    for node in gm.graph.nodes:
        if node.op in ("placeholder", "output"):
            continue
        if should_split(node, splitting_ops) and piece not in islands:
            piece += 1
            islands.add(piece)
        piece_of[node] = piece  # bug: nothing starts a new piece after the island
    split_gm = split_module(gm, None, lambda n: piece_of[n], keep_original_order=True)
    ids = sorted(int(name.removeprefix("submod_")) for name, _ in split_gm.named_children())
    return split_gm, [SplitItem(f"submod_{i}", i, i in islands, getattr(split_gm, f"submod_{i}")) for i in ids]
