"""Split an FX graph at its attention calls, the way vLLM's VLLM_COMPILE backend does.

Piecewise CUDA graphs need a graph cut into pieces: everything between two attention calls is
one piece that gets compiled and captured; the attention calls themselves (the "splitting ops")
stay out, because they read per-step metadata a frozen recording cannot hold. N attention
layers therefore give N+1 compiled pieces with N eager islands between them.
upstream: vllm/compilation/partition_rules.py:14 (should_split) and
vllm/compilation/backends.py:548-622 (split_graph), 0.22.1.

torch is imported lazily (inside the functions that need it): importing this module must not
import torch, so the CPU labs stay torch-free.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import torch

#: The ops a mini_vllm model splits at. Upstream's list has sixteen (facts §8.1); ours has one.
DEFAULT_SPLITTING_OPS = ("minivllm::attention",)

_OP_KINDS = ("call_function", "call_method")


def count_ops(gm: torch.fx.GraphModule) -> int:
    """How many operations the graph runs: its call_function and call_method nodes.

    This is lab-02's `num_ops` read off a real graph: in eager mode each of these nodes is (at
    least) one dispatch, so it is the launch bill a CUDA graph or a fusing compiler attacks.
    Placeholders, get_attr, output and call_module nodes are bookkeeping, not work.
    """
    return sum(node.op in _OP_KINDS for node in gm.graph.nodes)


def should_split(node: torch.fx.Node, splitting_ops: Sequence[str]) -> bool:
    """True if `node` calls one of the `splitting_ops`, named 'namespace::op' or 'namespace::op.overload'.

    Only call_function nodes whose target is a registered torch op count: an OpOverloadPacket
    (torch.ops.ns.op) matches its qualified name; an OpOverload (torch.ops.ns.op.default)
    matches either its packet's name or 'ns::op.overload'. Names are compared exactly, so
    'minivllm::attention' never matches aten::scaled_dot_product_attention.
    upstream: vllm/compilation/partition_rules.py:14 (0.22.1).
    """
    import torch

    if node.op != "call_function":
        return False
    target = node.target
    if isinstance(target, torch._ops.OpOverloadPacket):
        return target._qualified_op_name in splitting_ops
    if isinstance(target, torch._ops.OpOverload):
        packet = target.overloadpacket._qualified_op_name
        return packet in splitting_ops or f"{packet}.{target._overloadname}" in splitting_ops
    return False


@dataclass
class SplitItem:
    """One piece of a split graph: the submodule's name in the split graph, its id, and whether
    it is a splitting (eager) piece. upstream: SplitItem in vllm/compilation/backends.py (0.22.1)."""

    submod_name: str
    graph_id: int
    is_splitting_graph: bool
    graph: torch.fx.GraphModule


def split_graph(
    gm: torch.fx.GraphModule, splitting_ops: Sequence[str]
) -> tuple[torch.fx.GraphModule, list[SplitItem]]:
    """Cut `gm` into pieces at the splitting ops; return the split graph and its pieces in order.

    The pieces follow README §3's layout rules (upstream's: splitting ops in eager islands, the
    ops between them in compiled pieces); the split graph computes exactly what `gm` computes,
    calling `submod_<graph_id>` in increasing id order; `gm` itself is left untouched.
    upstream: vllm/compilation/backends.py:548-622 (0.22.1).
    """
    from torch.fx.passes.split_module import split_module

    # One walk labels every node with a piece id; split_module then builds one child per id.
    piece_of: dict[torch.fx.Node, int] = {}
    piece = 0
    splitting_ids: set[int] = set()
    nodes = [n for n in gm.graph.nodes if n.op not in ("placeholder", "output")]
    for i, node in enumerate(nodes):
        producer = node.args[0] if node.args else None
        if _is_getitem(node) and producer in piece_of:
            piece_of[node] = piece_of[producer]
        elif should_split(node, splitting_ops):
            if i == 0 or not should_split(nodes[i - 1], splitting_ops):
                piece += 1  # a fresh island, unless the node before was a splitting op too
            piece_of[node] = piece
            splitting_ids.add(piece)
        else:
            if piece in splitting_ids:
                piece += 1  # the first node after an island starts the next compiled piece
            piece_of[node] = piece

    split_gm = split_module(gm, None, lambda node: piece_of[node], keep_original_order=True)
    items = [
        SplitItem(name, int(name.removeprefix("submod_")),
                  int(name.removeprefix("submod_")) in splitting_ids, module)
        for name, module in split_gm.named_children()
    ]
    items.sort(key=lambda item: item.graph_id)
    return split_gm, items


def _is_getitem(node: torch.fx.Node) -> bool:
    import operator

    return node.op == "call_function" and node.target is operator.getitem
