"""A padded call copies an input of another dtype into the graph's buffer, silently casting it."""

import numpy as np

from mini_vllm.capture_sizes import padded_size
from mini_vllm.graph_simulator import *

CAUGHT_BY = ["test_padded_graph_refuses_a_dtype_change"]


class GraphRunner(GraphRunner):
    def __call__(self, x):
        if self.capture_sizes is not None and isinstance(x, np.ndarray) and x.ndim and len(x):
            rung = padded_size(x.shape[0], self.capture_sizes)
            entry = self.graphs.get((rung, *x.shape[1:]))
            if entry is not None and rung != x.shape[0]:
                x = x.astype(entry.static_input.dtype)
        return super().__call__(x)
