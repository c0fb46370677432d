"""Counts a capture as one launch, as if recording were free."""

from mini_vllm.graph_simulator import *
from mini_vllm.graph_simulator import GraphRunner as ReferenceRunner

CAUGHT_BY = ["test_first_call_captures_with_one_eager_pass", "test_piecewise_first_call_costs_every_op"]


class GraphRunner(ReferenceRunner):
    def __call__(self, x):
        captures = self.captures
        out = super().__call__(x)
        if self.captures > captures:
            self.launches -= len(self.ops) - 1
        return out


class PiecewiseGraphRunner(PiecewiseGraphRunner):
    def __init__(self, ops, is_splitting_op, capture_sizes=None):
        super().__init__(ops, is_splitting_op, capture_sizes)
        self.pieces = [GraphRunner(p.ops, p.capture_sizes) if isinstance(p, ReferenceRunner) else p
                       for p in self.pieces]
        self.runners = [p for p in self.pieces if isinstance(p, GraphRunner)]
