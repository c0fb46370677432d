"""Predicts 2·attentions + 1 launches per replay, the 10-op picture generalised to every layout."""

from mini_vllm import graph_simulator
from mini_vllm.graph_simulator import *

CAUGHT_BY = ["test_piecewise_launches_counts_runs_not_gaps", "test_piecewise_launches_with_a_ladder"]


def piecewise_launches(pattern, batches, capture_sizes=None):
    right = graph_simulator.piecewise_launches(pattern, batches, capture_sizes)
    # A two-op model pays 2 per first call and 1 per replay, so it counts the replays.
    replays = 2 * len(batches) - graph_simulator.piecewise_launches("CC", batches, capture_sizes)
    runs = len([run for run in pattern.split("A") if run])
    return right + replays * (2 * pattern.count("A") + 1 - runs - pattern.count("A"))
