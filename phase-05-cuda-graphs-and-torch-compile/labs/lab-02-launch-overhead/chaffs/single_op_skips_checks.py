"""Returns None for num_ops == 1 before checking capture_cost_ops, so crossover(1, 0) passes."""

from mini_vllm import launch_cost
from mini_vllm.launch_cost import *

CAUGHT_BY = ["test_out_of_range_input_is_a_value_error_naming_the_argument"]


def crossover(num_ops, capture_cost_ops=None):
    if num_ops == 1:
        return None
    return launch_cost.crossover(num_ops, capture_cost_ops)
