"""Upper-cases the pattern first, so "ccacc" is taken for "CCACC" instead of refused."""

from mini_vllm import graph_simulator
from mini_vllm.graph_simulator import *

CAUGHT_BY = ["test_piecewise_launches_rejects_bad_input"]


def piecewise_launches(pattern, batches, capture_sizes=None):
    if isinstance(pattern, str):
        pattern = pattern.upper()
    return graph_simulator.piecewise_launches(pattern, batches, capture_sizes)
