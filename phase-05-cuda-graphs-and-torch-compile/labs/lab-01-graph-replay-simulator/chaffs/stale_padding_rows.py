"""Padding rows keep the previous batch's rows instead of zeros."""

import numpy as np

from mini_vllm.graph_simulator import *

CAUGHT_BY = ["test_padding_rows_are_zero"]


class GraphRunner(GraphRunner):
    def __call__(self, x):
        if self.capture_sizes is not None:
            for shape, entry in self.graphs.items():
                if shape[1:] == x.shape[1:] and shape[0] > x.shape[0]:
                    old = entry.static_input[x.shape[0]:].copy()
                    out = super().__call__(x)
                    np.copyto(entry.static_input[x.shape[0]:], old)
                    return out
        return super().__call__(x)
