"""Returns a slice of the static output even when the batch fills its graph, never the array itself."""

from mini_vllm.graph_simulator import *

CAUGHT_BY = ["test_a_batch_that_fills_its_graph_gets_static_output_itself"]


class GraphRunner(GraphRunner):
    def __call__(self, x):
        return super().__call__(x)[:]  # still the same memory, but a new array object
