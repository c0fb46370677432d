"""Prices a graph step at gpu_us alone, forgetting that the replay itself is one launch."""

from mini_vllm import launch_cost
from mini_vllm.launch_cost import *

CAUGHT_BY = [
    "test_predicted_step_speedup_formula",
    "test_launch_bound_step_approaches_num_ops",
    "test_gpu_bound_step_gains_almost_nothing",
    "test_a_300_op_step_with_1ms_of_gpu_work_is_about_2_5x",
]


def predicted_step_speedup(num_ops, launch_us, gpu_us):
    launch_cost.predicted_step_speedup(num_ops, launch_us, gpu_us)  # the reference's checks
    return (num_ops * launch_us + gpu_us) / gpu_us
