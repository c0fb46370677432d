"""A token budget below max_num_seqs is accepted (the ladder stops at the budget) although vLLM refuses the config."""

from mini_vllm.capture_sizes import *
from mini_vllm.capture_sizes import capture_sizes_for as reference_for

CAUGHT_BY = ["test_a_token_budget_below_max_num_seqs_is_refused"]


def capture_sizes_for(max_num_seqs, max_num_batched_tokens, max_capture_size=None, *, vllm_version="0.22.1",
                      compute_capability=None):
    if isinstance(max_num_seqs, int) and isinstance(max_num_batched_tokens, int) and max_num_batched_tokens >= 1:
        max_num_seqs = min(max_num_seqs, max_num_batched_tokens)
    return reference_for(max_num_seqs, max_num_batched_tokens, max_capture_size, vllm_version=vllm_version,
                         compute_capability=compute_capability)
