"""capture_sizes_for checks vllm_version only when it builds the default maximum: a typo passes with max_capture_size."""

from mini_vllm.capture_sizes import *
from mini_vllm.capture_sizes import capture_sizes_for as reference_for

CAUGHT_BY = ["test_an_unknown_vllm_version_is_refused_by_name"]


def capture_sizes_for(max_num_seqs, max_num_batched_tokens, max_capture_size=None, *, vllm_version="0.22.1",
                      compute_capability=None):
    if max_capture_size is not None:
        vllm_version = "0.22.1"
    return reference_for(max_num_seqs, max_num_batched_tokens, max_capture_size, vllm_version=vllm_version,
                         compute_capability=compute_capability)
