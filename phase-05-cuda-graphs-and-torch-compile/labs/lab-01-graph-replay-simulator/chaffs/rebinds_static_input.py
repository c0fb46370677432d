"""Replay rebinds static_input to a fresh buffer instead of copying into the captured one."""

import numpy as np

from mini_vllm.graph_simulator import *

CAUGHT_BY = ["test_replay_computes_on_the_new_input", "test_static_input_keeps_its_address",
             "test_padded_output_matches_eager"]


class GraphRunner(GraphRunner):
    def __call__(self, x):
        for entry in self.graphs.values():
            entry.static_input = np.empty_like(entry.static_input)  # the recording still reads the old one
        return super().__call__(x)
