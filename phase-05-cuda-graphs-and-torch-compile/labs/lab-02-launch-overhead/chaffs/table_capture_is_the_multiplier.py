"""Uses the multiplier itself as capture_cost_ops (5 launches) instead of multiplier * num_ops."""

from mini_vllm.launch_cost import *
from mini_vllm.launch_cost import _check_int_list

CAUGHT_BY = [
    "test_exercises_crossover_table",
    "test_crossover_table_keeps_input_order_and_multiplies_the_capture",
]


def crossover_table(num_ops_values, capture_multipliers):
    sizes = _check_int_list(num_ops_values, "num_ops_values")
    multipliers = _check_int_list(capture_multipliers, "capture_multipliers")
    return [CrossoverRow(n, m, m, crossover(n, m)) for n in sizes for m in multipliers]
