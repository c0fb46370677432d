"""Inverts the ratio: graph total / eager total, which falls toward 1/n instead of rising to n."""

from mini_vllm import launch_cost
from mini_vllm.launch_cost import *

CAUGHT_BY = [
    "test_per_call_ratio_is_eager_total_over_graph_total",
    "test_per_call_ratio_rises_strictly_and_stays_below_the_ceiling",
    "test_per_call_ratio_approaches_the_ceiling",
]


def per_call_ratio(num_ops, k, capture_cost_ops=None):
    return 1.0 / launch_cost.per_call_ratio(num_ops, k, capture_cost_ops)
