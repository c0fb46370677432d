"""Launch accounting counts one replay per piece but forgets the attention ops that run live."""

from mini_vllm.compilation import *

CAUGHT_BY = ["test_launch_accounting_matches_lab_01"]


def launch_accounting(items, steps):
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 1:
        raise ValueError(f"steps must be an int >= 1, got {steps!r}")
    ops = sum(count_ops(item.graph) for item in items)
    compiled = sum(not item.is_splitting_graph for item in items)
    return {"eager": steps * ops, "piecewise": ops + (steps - 1) * compiled}
