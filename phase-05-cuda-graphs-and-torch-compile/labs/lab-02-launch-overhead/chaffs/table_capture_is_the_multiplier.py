"""Uses the multiplier itself as capture_cost_ops (5 launches) instead of multiplier * num_ops."""

from mini_vllm.checks import check_int_sequence
from mini_vllm.launch_cost import *

CAUGHT_BY = [
    "test_exercises_crossover_table",
    "test_crossover_table_keeps_input_order_and_multiplies_the_capture",
]


def crossover_table(num_ops_values, capture_multipliers):
    sizes = check_int_sequence(num_ops_values, "num_ops_values")
    multipliers = check_int_sequence(capture_multipliers, "capture_multipliers")
    return [CrossoverRow(n, m, m, crossover(n, m)) for n in sizes for m in multipliers]
