"""The piecewise runner leaves the input check to its pieces, so a list slips through a leading attention."""

from mini_vllm.graph_simulator import *

CAUGHT_BY = ["test_piecewise_runner_checks_its_own_input"]


class PiecewiseGraphRunner(PiecewiseGraphRunner):
    def __call__(self, x):
        for piece in self.pieces:
            x = piece(x)
            if not isinstance(piece, GraphRunner):
                self.eager_launches += 1
        return x
