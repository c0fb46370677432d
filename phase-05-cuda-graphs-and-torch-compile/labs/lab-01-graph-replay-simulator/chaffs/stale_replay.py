"""Replay forgets to copy the new input in, so it recomputes the captured batch."""

from mini_vllm.graph_simulator import *

CAUGHT_BY = ["test_replay_computes_on_the_new_input", "test_static_input_keeps_its_address"]


class GraphRunner(GraphRunner):
    def __call__(self, x):
        rows = x.shape[0]
        shape = x.shape if self.capture_sizes is None else None
        entry = self.graphs.get(shape) if shape else None
        if entry is None:
            return super().__call__(x)
        entry.recording()
        self.launches += 1
        self.replays += 1
        return entry.static_output[:rows]
