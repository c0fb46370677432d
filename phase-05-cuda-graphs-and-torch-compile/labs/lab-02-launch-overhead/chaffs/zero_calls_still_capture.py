"""Applies capture + (k - 1) at k = 0 too, billing c - 1 launches for calls never made."""

from mini_vllm.launch_cost import *
from mini_vllm.launch_cost import _check_int

CAUGHT_BY = ["test_zero_calls_cost_nothing"]


def graph_launches(num_ops, k, capture_cost_ops=None):
    num_ops = _check_int(num_ops, "num_ops", 1)
    k = _check_int(k, "k", 0)
    c = num_ops if capture_cost_ops is None else _check_int(capture_cost_ops, "capture_cost_ops", 1)
    return c + (k - 1)
