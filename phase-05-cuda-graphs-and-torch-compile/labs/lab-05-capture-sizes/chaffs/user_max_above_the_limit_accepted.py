"""capture_sizes_for checks only the lower bound of max_capture_size: 10**7 is accepted and clipped to the budget."""

from mini_vllm.capture_sizes import *
from mini_vllm.capture_sizes import capture_sizes_for as reference_for

CAUGHT_BY = ["test_capture_sizes_for_rejects_bad_input"]


def capture_sizes_for(max_num_seqs, max_num_batched_tokens, max_capture_size=None, *, vllm_version="0.22.1",
                      compute_capability=None):
    if isinstance(max_capture_size, int) and max_capture_size > 2**20:
        max_capture_size = max_num_batched_tokens
    return reference_for(max_num_seqs, max_num_batched_tokens, max_capture_size, vllm_version=vllm_version,
                         compute_capability=compute_capability)
