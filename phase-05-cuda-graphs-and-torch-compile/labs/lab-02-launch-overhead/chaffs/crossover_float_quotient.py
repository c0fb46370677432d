"""crossover divides with a float quotient, which rounds for capture costs past 2**53."""

from mini_vllm.launch_cost import *
from mini_vllm.launch_cost import crossover as reference_crossover

CAUGHT_BY = ["test_crossover_is_exact_where_a_float_quotient_rounds"]


def crossover(num_ops, capture_cost_ops=None):
    k = reference_crossover(num_ops, capture_cost_ops)
    if k is None:
        return None
    capture = num_ops if capture_cost_ops is None else capture_cost_ops
    return int((capture - 1) / (num_ops - 1)) + 1
