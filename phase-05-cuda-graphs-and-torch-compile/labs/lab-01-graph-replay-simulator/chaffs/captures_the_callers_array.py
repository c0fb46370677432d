"""Capture keeps the caller's array as the static input instead of allocating its own."""

import numpy as np

from mini_vllm import graph_simulator
from mini_vllm.graph_simulator import *

CAUGHT_BY = ["test_capture_owns_its_input_buffer"]


class GraphRunner(GraphRunner):
    def __call__(self, x):
        if self.capture_sizes is None and x.shape not in self.graphs:
            self.graphs[x.shape] = graph_simulator._record(self.ops, x)
            self.launches += len(self.ops)
            self.captures += 1
            return self.graphs[x.shape].static_output
        return super().__call__(x)


_ = np  # the bug needs no other names
