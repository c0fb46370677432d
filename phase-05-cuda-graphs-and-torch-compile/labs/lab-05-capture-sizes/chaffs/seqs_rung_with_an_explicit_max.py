"""Adds 0.33.0's max_num_seqs rung to an explicit max_capture_size ladder too (0.33.0 leaves it as set)."""

from mini_vllm.capture_sizes import *
from mini_vllm.capture_sizes import capture_sizes_for as reference_for

CAUGHT_BY = ["test_deployment_ladder_matches_vllm_0_33_0"]


def capture_sizes_for(max_num_seqs, max_num_batched_tokens, max_capture_size=None, *, vllm_version="0.22.1",
                      compute_capability=None):
    sizes = reference_for(max_num_seqs, max_num_batched_tokens, max_capture_size, vllm_version=vllm_version,
                          compute_capability=compute_capability)
    if vllm_version == "0.33.0" and max_num_seqs <= sizes[-1]:
        sizes = sorted(set(sizes) | {max_num_seqs})
    return sizes
