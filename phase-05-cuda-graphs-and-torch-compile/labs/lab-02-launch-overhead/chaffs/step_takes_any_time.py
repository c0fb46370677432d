"""predicted_step_speedup checks only the op count: negative or non-finite times slip through."""

from mini_vllm.launch_cost import *
from mini_vllm.launch_cost import predicted_step_speedup as reference_step

CAUGHT_BY = ["test_predicted_step_speedup_refuses_out_of_range_times"]


def predicted_step_speedup(num_ops, launch_us, gpu_us):
    reference_step(num_ops, 1.0, 0.0)  # the num_ops check only
    return (num_ops * launch_us + gpu_us) / (launch_us + gpu_us)
