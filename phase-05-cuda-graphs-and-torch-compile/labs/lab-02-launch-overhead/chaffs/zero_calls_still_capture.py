"""Applies capture + (k - 1) at k = 0 too, billing c - 1 launches for calls never made."""

from mini_vllm.checks import check_int
from mini_vllm.launch_cost import *

CAUGHT_BY = ["test_zero_calls_cost_nothing"]


def graph_launches(num_ops, k, capture_cost_ops=None):
    num_ops = check_int(num_ops, "num_ops", 1)
    k = check_int(k, "k", 0)
    c = num_ops if capture_cost_ops is None else check_int(capture_cost_ops, "capture_cost_ops", 1)
    return c + (k - 1)
