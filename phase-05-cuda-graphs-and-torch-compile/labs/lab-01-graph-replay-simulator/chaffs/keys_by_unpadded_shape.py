"""Pads the batch but keys the graph by the unpadded shape, so every batch size captures."""

from mini_vllm.graph_simulator import *

CAUGHT_BY = ["test_batches_5_and_7_reuse_the_size_8_graph", "test_padding_cuts_captures_for_batches_1_to_8",
             "test_batch_pads_up_to_the_next_rung"]


class GraphRunner(GraphRunner):
    def __call__(self, x):
        graphs, self.graphs = self.graphs, {}
        inner = graphs.pop(x.shape, None)
        if inner is not None:
            self.graphs = dict(inner)
        out = super().__call__(x)
        graphs[x.shape] = self.graphs
        self.graphs = graphs
        return out

    # graphs maps the batch's own shape to a private {padded shape: entry} dict
