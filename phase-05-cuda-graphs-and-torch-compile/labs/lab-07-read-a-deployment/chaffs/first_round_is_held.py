"""Keeps the first round of bars: under 0.33.0's V2 that is the profiling round, freed before serving."""

from mini_vllm.deployment.facts import *
from mini_vllm.deployment.graph_stats import *
from mini_vllm.deployment.log_reader import *
from mini_vllm.deployment.log_reader import graphs_held as _graphs_held

CAUGHT_BY = ["test_graphs_held"]


def graphs_held(text):
    held = _graphs_held(text)
    if held is None:
        return None
    first = text.find("Graph capturing finished")
    return parse_log(text[:first]).graphs_captured if first >= 0 else held
