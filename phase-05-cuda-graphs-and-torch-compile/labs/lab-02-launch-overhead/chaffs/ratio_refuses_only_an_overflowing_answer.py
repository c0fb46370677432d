"""Refuses a huge num_ops only when the ratio overflows, so per_call_ratio(10**400, 3) returns 3.0."""

from mini_vllm import launch_cost
from mini_vllm.launch_cost import *

CAUGHT_BY = ["test_out_of_range_input_is_a_value_error_naming_the_argument"]


def per_call_ratio(num_ops, k, capture_cost_ops=None):
    if isinstance(num_ops, int) and not isinstance(num_ops, bool) and num_ops > 10**300:
        launch_cost.graph_launches(num_ops, k, capture_cost_ops)  # the other checks
        try:
            return (k * num_ops) / ((num_ops if capture_cost_ops is None else capture_cost_ops) + k - 1)
        except OverflowError:
            raise ValueError(f"num_ops={num_ops:.3e} is too large: the ratio overflows a float") from None
    return launch_cost.per_call_ratio(num_ops, k, capture_cost_ops)
