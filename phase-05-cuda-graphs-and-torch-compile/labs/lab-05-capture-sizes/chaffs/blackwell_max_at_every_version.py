"""Gives a 10.x GPU the 1024 maximum at 0.22.1 too, where the maximum is 512 on every GPU."""

from mini_vllm.capture_sizes import *
from mini_vllm.capture_sizes import capture_sizes_for as reference_for

CAUGHT_BY = ["test_1024_needs_0_33_0_and_a_10_x_gpu"]


def capture_sizes_for(max_num_seqs, max_num_batched_tokens, max_capture_size=None, *, vllm_version="0.22.1",
                      compute_capability=None):
    if max_capture_size is None and compute_capability is not None and compute_capability[0] == 10:
        max_capture_size = min(2 * max_num_seqs, 1024, max_num_batched_tokens)
        return reference_for(max_num_seqs, max_num_batched_tokens, max_capture_size)
    return reference_for(max_num_seqs, max_num_batched_tokens, max_capture_size, vllm_version=vllm_version,
                         compute_capability=compute_capability)
