"""Takes an empty ladder as a ladder with no rung, so every batch quietly runs eagerly."""

from mini_vllm.graph_simulator import *

CAUGHT_BY = ["test_a_ladder_of_the_wrong_kind_or_values_is_refused_naming_capture_sizes"]


class GraphRunner(GraphRunner):
    def __init__(self, ops, capture_sizes=None):
        empty = capture_sizes is not None and len(capture_sizes) == 0
        super().__init__(ops, None if empty else capture_sizes)
        if empty:
            self.capture_sizes = []  # no rung fits any batch: the eager path, every call
