"""Graphs-stop-paying cut-off found by walking b = 1, 2, ...: right answers, an open-ended search."""

from mini_vllm import launch_cost
from mini_vllm.launch_cost import *

CAUGHT_BY = ["test_graphs_stop_paying_is_a_closed_form"]


def graphs_stop_paying(num_ops, launch_us, gpu_us_fixed, gpu_us_per_seq, threshold):
    # the reference refuses bad input; the bug is in the arithmetic below
    launch_cost.graphs_stop_paying(num_ops, launch_us, gpu_us_fixed, gpu_us_per_seq, threshold)
    if gpu_us_per_seq == 0:
        return launch_cost.graphs_stop_paying(num_ops, launch_us, gpu_us_fixed, 0.0, threshold)
    b = 1
    while launch_cost.predicted_step_speedup(num_ops, launch_us, gpu_us_fixed + b * gpu_us_per_seq) > 1 + threshold:
        b += 1
    return b
