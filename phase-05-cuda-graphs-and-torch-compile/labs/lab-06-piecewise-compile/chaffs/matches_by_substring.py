"""should_split matches any call whose name contains the op's short name ("attention")."""

from mini_vllm.compilation import *

CAUGHT_BY = ["test_should_split_ignores_other_nodes"]


def should_split(node, splitting_ops):
    name = str(getattr(node.target, "__name__", node.target))
    return node.op == "call_function" and any(op.split("::")[-1] in name for op in splitting_ops)
