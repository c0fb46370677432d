"""Pads down to the largest rung <= batch (batch 3 -> 2) and drops the rows that do not fit."""

from mini_vllm.graph_simulator import *

CAUGHT_BY = ["test_batch_pads_up_to_the_next_rung", "test_padded_output_matches_eager"]


class GraphRunner(GraphRunner):
    def __call__(self, x):
        if self.capture_sizes is not None:
            fits = [s for s in self.capture_sizes if s <= x.shape[0]]
            if fits and fits[-1] < x.shape[0]:
                x = x[: fits[-1]]
        return super().__call__(x)
