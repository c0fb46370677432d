"""Accepts only a list or a tuple of batches, refusing a range, which is a sequence of ints too."""

from mini_vllm import graph_simulator
from mini_vllm.graph_simulator import *

CAUGHT_BY = ["test_piecewise_launches_takes_any_sequence_of_batches"]


def piecewise_launches(pattern, batches, capture_sizes=None):
    if not isinstance(batches, (list, tuple)):
        raise TypeError(f"batches must be a list or a tuple of ints >= 1, got {type(batches).__name__}")
    return graph_simulator.piecewise_launches(pattern, batches, capture_sizes)
