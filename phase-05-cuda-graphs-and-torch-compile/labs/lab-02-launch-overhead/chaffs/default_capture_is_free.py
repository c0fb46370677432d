"""Defaults capture_cost_ops to 1, as if recording a graph cost a single launch."""

from mini_vllm import launch_cost
from mini_vllm.launch_cost import *

CAUGHT_BY = [
    "test_graph_launches_is_capture_plus_one_per_replay",
    "test_default_capture_cost_is_one_eager_pass",
    "test_crossover_with_the_default_capture",
    "test_per_call_ratio_is_eager_total_over_graph_total",
]


def graph_launches(num_ops, k, capture_cost_ops=None):
    return launch_cost.graph_launches(num_ops, k, 1 if capture_cost_ops is None else capture_cost_ops)


def crossover(num_ops, capture_cost_ops=None):
    return launch_cost.crossover(num_ops, 1 if capture_cost_ops is None else capture_cost_ops)


def per_call_ratio(num_ops, k, capture_cost_ops=None):
    return launch_cost.per_call_ratio(num_ops, k, 1 if capture_cost_ops is None else capture_cost_ops)
