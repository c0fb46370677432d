"""Piecewise launch count leaves out the splitting ops that run eagerly."""

from mini_vllm.graph_simulator import *

CAUGHT_BY = ["test_ten_op_model_split_at_op_5_costs_1_3_10", "test_piecewise_steady_state_cost",
             "test_piecewise_first_call_costs_every_op"]


class PiecewiseGraphRunner(PiecewiseGraphRunner):
    @property
    def launches(self):
        return sum(r.launches for r in self.runners)
