"""Returns a fresh copy of the output instead of the graph's static output buffer."""

from mini_vllm.graph_simulator import *

CAUGHT_BY = ["test_output_is_the_static_output_buffer", "test_padded_output_aliases_the_static_buffer"]


class GraphRunner(GraphRunner):
    def __call__(self, x):
        return super().__call__(x).copy()
