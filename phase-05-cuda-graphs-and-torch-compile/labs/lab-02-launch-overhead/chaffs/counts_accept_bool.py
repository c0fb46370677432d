"""Checks counts with isinstance(value, int), which a bool passes, so eager_launches(True, 3) is 3."""

from mini_vllm import launch_cost
from mini_vllm.launch_cost import *

CAUGHT_BY = ["test_non_integer_count_is_refused_naming_the_argument"]


def eager_launches(num_ops, k):
    if isinstance(num_ops, int) and isinstance(k, int) and num_ops >= 1 and k >= 0:
        return int(num_ops) * int(k)
    return launch_cost.eager_launches(num_ops, k)
