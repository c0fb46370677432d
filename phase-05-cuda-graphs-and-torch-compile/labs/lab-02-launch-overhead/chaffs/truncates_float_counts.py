"""Coerces counts with int(), so 2.5 calls silently become 2 and a bad argument goes unnoticed."""

from mini_vllm import launch_cost
from mini_vllm.launch_cost import *

CAUGHT_BY = ["test_non_integer_count_is_refused_naming_the_argument"]


def _int(value):
    return value if value is None else int(value)


def eager_launches(num_ops, k):
    return launch_cost.eager_launches(_int(num_ops), _int(k))


def graph_launches(num_ops, k, capture_cost_ops=None):
    return launch_cost.graph_launches(_int(num_ops), _int(k), _int(capture_cost_ops))


def crossover(num_ops, capture_cost_ops=None):
    return launch_cost.crossover(_int(num_ops), _int(capture_cost_ops))


def per_call_ratio(num_ops, k, capture_cost_ops=None):
    return launch_cost.per_call_ratio(_int(num_ops), _int(k), _int(capture_cost_ops))


def asymptotic_speedup(num_ops):
    return launch_cost.asymptotic_speedup(_int(num_ops))
