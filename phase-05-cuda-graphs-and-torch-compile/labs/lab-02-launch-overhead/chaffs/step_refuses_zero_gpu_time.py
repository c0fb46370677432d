"""predicted_step_speedup wants gpu_us > 0, refusing the launch-bound step gpu_us = 0."""

from mini_vllm.launch_cost import *
from mini_vllm.launch_cost import predicted_step_speedup as reference_step

CAUGHT_BY = ["test_predicted_step_speedup_accepts_the_edges_of_its_ranges"]


def predicted_step_speedup(num_ops, launch_us, gpu_us):
    if gpu_us == 0:
        raise ValueError(f"gpu_us must be > 0, got {gpu_us}")
    return reference_step(num_ops, launch_us, gpu_us)
