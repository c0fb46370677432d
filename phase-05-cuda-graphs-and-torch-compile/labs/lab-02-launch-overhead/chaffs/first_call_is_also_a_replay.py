"""Bills the first call twice: capture_cost_ops + k launches instead of capture_cost_ops + (k - 1)."""

from mini_vllm import launch_cost
from mini_vllm.launch_cost import *

CAUGHT_BY = [
    "test_graph_launches_is_capture_plus_one_per_replay",
    "test_default_capture_cost_is_one_eager_pass",
]


def graph_launches(num_ops, k, capture_cost_ops=None):
    total = launch_cost.graph_launches(num_ops, k, capture_cost_ops)
    return total + 1 if k >= 1 else total
