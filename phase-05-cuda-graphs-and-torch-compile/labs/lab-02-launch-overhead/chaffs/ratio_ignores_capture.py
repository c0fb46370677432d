"""Reports the steady-state ratio n at every k, leaving the capture out of the graph's total."""

from mini_vllm.checks import check_int
from mini_vllm.launch_cost import *

CAUGHT_BY = [
    "test_per_call_ratio_is_eager_total_over_graph_total",
    "test_per_call_ratio_rises_strictly_and_stays_below_the_ceiling",
]


def per_call_ratio(num_ops, k, capture_cost_ops=None):
    num_ops = check_int(num_ops, "num_ops", 1)
    k = check_int(k, "k", 1)
    if capture_cost_ops is not None:
        check_int(capture_cost_ops, "capture_cost_ops", 1)
    return (k * num_ops) / k
