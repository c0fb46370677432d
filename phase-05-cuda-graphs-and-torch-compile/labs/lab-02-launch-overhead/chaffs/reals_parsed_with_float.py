"""Converts the times with float(), so "5" is taken for 5.0 instead of refused."""

from mini_vllm import launch_cost
from mini_vllm.launch_cost import *

CAUGHT_BY = ["test_a_real_valued_argument_that_is_not_a_number_is_refused"]


def predicted_step_speedup(num_ops, launch_us, gpu_us):
    return launch_cost.predicted_step_speedup(num_ops, float(launch_us), float(gpu_us))
