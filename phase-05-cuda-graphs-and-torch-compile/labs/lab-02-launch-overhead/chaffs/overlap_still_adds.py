"""The overlap-aware model that still adds CPU issue to GPU work in the eager step (the additive model renamed)."""

from mini_vllm import launch_cost
from mini_vllm.launch_cost import *

CAUGHT_BY = [
    "test_overlapped_step_speedup_formula",
    "test_a_cpu_bound_eager_step_costs_its_launches_alone",
    "test_a_gpu_bound_eager_step_costs_its_gpu_time_alone",
]


def overlapped_step_speedup(num_ops, launch_us, gpu_us):
    launch_cost.overlapped_step_speedup(num_ops, launch_us, gpu_us)  # the reference's checks
    return (num_ops * launch_us + gpu_us) / (launch_us + gpu_us)
