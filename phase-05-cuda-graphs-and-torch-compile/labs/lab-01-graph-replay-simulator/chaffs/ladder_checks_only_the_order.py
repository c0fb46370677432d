"""Checks that the ladder is non-empty and strictly increasing, never that it holds ints."""

from mini_vllm.graph_simulator import *

CAUGHT_BY = ["test_a_ladder_of_the_wrong_kind_or_values_is_refused_naming_capture_sizes"]


def _in_order(sizes):
    sizes = list(sizes)  # 4 raises "'int' object is not iterable", naming nothing
    if not sizes or any(a >= b for a, b in zip(sizes, sizes[1:])):
        raise ValueError(f"capture_sizes must be non-empty and strictly increasing, got {sizes}")
    return sizes


class GraphRunner(GraphRunner):
    def __init__(self, ops, capture_sizes=None):
        super().__init__(ops)
        self.capture_sizes = None if capture_sizes is None else _in_order(capture_sizes)
