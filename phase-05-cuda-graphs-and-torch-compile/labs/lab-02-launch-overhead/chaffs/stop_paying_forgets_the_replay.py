"""Graphs-stop-paying cut-off whose graph step is GPU time alone (the replay launch forgotten)."""

import math

from mini_vllm import launch_cost
from mini_vllm.launch_cost import *

CAUGHT_BY = [
    "test_graphs_stop_paying_matches_an_exact_search",
    "test_graphs_stop_paying_counts_an_exact_tie_as_stopped",
    "test_graphs_stop_paying_is_a_closed_form",
]


def graphs_stop_paying(num_ops, launch_us, gpu_us_fixed, gpu_us_per_seq, threshold):
    # the reference refuses bad input; the bug is in the arithmetic below
    launch_cost.graphs_stop_paying(num_ops, launch_us, gpu_us_fixed, gpu_us_per_seq, threshold)
    # (n*L + G) / G <= 1 + x  <=>  G >= n*L / x
    needed = num_ops * launch_us / threshold
    if needed <= gpu_us_fixed + gpu_us_per_seq:
        return 1
    if gpu_us_per_seq == 0:
        return None
    return math.ceil((needed - gpu_us_fixed) / gpu_us_per_seq)
