"""Finds the crossover by walking k = 1, 2, ... : right answers, but an open-ended search."""

from mini_vllm.checks import check_int
from mini_vllm.launch_cost import *

CAUGHT_BY = ["test_crossover_is_a_closed_form"]


def crossover(num_ops, capture_cost_ops=None):
    num_ops = check_int(num_ops, "num_ops", 1)
    c = num_ops if capture_cost_ops is None else check_int(capture_cost_ops, "capture_cost_ops", 1)
    if num_ops == 1:
        return None
    k = 1
    while c + (k - 1) >= k * num_ops:
        k += 1
    return k
