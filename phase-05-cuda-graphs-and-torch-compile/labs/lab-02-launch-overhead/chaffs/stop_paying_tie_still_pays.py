"""Graphs-stop-paying cut-off that treats an exact tie as still paying (strictly below the line)."""

import math

from mini_vllm import launch_cost
from mini_vllm.launch_cost import *

CAUGHT_BY = ["test_graphs_stop_paying_counts_an_exact_tie_as_stopped"]


def graphs_stop_paying(num_ops, launch_us, gpu_us_fixed, gpu_us_per_seq, threshold):
    # the reference refuses bad input; the bug is in the arithmetic below
    launch_cost.graphs_stop_paying(num_ops, launch_us, gpu_us_fixed, gpu_us_per_seq, threshold)
    needed = (num_ops - 1 - threshold) * launch_us / threshold
    if needed < gpu_us_fixed + gpu_us_per_seq:
        return 1
    if gpu_us_per_seq == 0:
        return None
    return math.floor((needed - gpu_us_fixed) / gpu_us_per_seq) + 1
