"""Replays a captured shape whatever the input's dtype, silently casting it."""

import numpy as np

from mini_vllm.graph_simulator import *

CAUGHT_BY = ["test_dtype_change_on_a_captured_shape_is_a_type_error"]


class GraphRunner(GraphRunner):
    def __call__(self, x):
        entry = self.graphs.get(x.shape)
        if entry is not None and isinstance(x, np.ndarray):
            x = x.astype(entry.static_input.dtype)
        return super().__call__(x)
