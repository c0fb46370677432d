"""Piecewise runner captures attention into the graphs too (it behaves like FULL)."""

from mini_vllm.graph_simulator import *

CAUGHT_BY = ["test_ten_op_model_split_at_op_5_costs_1_3_10", "test_piecewise_steady_state_cost"]


class PiecewiseGraphRunner(PiecewiseGraphRunner):
    def __init__(self, ops, is_splitting_op, capture_sizes=None):
        super().__init__(ops, lambda op: False, capture_sizes)
