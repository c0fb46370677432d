"""compute_capability takes any pair, so the list [10, 0] passes where the contract asks for a tuple."""

from mini_vllm.capture_sizes import *
from mini_vllm.capture_sizes import capture_sizes_for as reference_for

CAUGHT_BY = ["test_compute_capability_is_a_major_minor_pair"]


def capture_sizes_for(max_num_seqs, max_num_batched_tokens, max_capture_size=None, *, vllm_version="0.22.1",
                      compute_capability=None):
    if isinstance(compute_capability, list):
        compute_capability = tuple(compute_capability)
    return reference_for(max_num_seqs, max_num_batched_tokens, max_capture_size, vllm_version=vllm_version,
                         compute_capability=compute_capability)
