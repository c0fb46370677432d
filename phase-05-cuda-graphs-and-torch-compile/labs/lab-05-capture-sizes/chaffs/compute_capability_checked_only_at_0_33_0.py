"""compute_capability is read, and so checked, only on 0.33.0's default path: (-1, 0) passes at 0.22.1."""

from mini_vllm.capture_sizes import *
from mini_vllm.capture_sizes import capture_sizes_for as reference_for

CAUGHT_BY = ["test_compute_capability_is_a_major_minor_pair"]


def capture_sizes_for(max_num_seqs, max_num_batched_tokens, max_capture_size=None, *, vllm_version="0.22.1",
                      compute_capability=None):
    if vllm_version != "0.33.0" or max_capture_size is not None:
        compute_capability = None  # "only 0.33.0's default maximum looks at the GPU"
    return reference_for(max_num_seqs, max_num_batched_tokens, max_capture_size, vllm_version=vllm_version,
                         compute_capability=compute_capability)
