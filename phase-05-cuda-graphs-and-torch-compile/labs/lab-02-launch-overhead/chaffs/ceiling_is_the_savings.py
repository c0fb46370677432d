"""Gives n - 1 as the ceiling: the launches each replay saves, not the ratio n / 1."""

from mini_vllm.checks import check_int
from mini_vllm.launch_cost import *

CAUGHT_BY = ["test_asymptotic_speedup_is_the_limit_of_the_ratio"]


def asymptotic_speedup(num_ops):
    return float(check_int(num_ops, "num_ops", 1) - 1)
