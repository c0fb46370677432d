"""Predicts one capture per batch size even under a ladder, as if padding did not share graphs."""

from mini_vllm import graph_simulator
from mini_vllm.graph_simulator import *

CAUGHT_BY = ["test_piecewise_launches_with_a_ladder"]


def piecewise_launches(pattern, batches, capture_sizes=None):
    if capture_sizes is None:
        return graph_simulator.piecewise_launches(pattern, batches)
    top = capture_sizes[-1]
    kept = [b for b in batches if b <= top]
    eager = len(pattern) * (len(batches) - len(kept))
    return eager + graph_simulator.piecewise_launches(pattern, kept)
