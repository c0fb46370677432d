"""Appends the token budget as the top rung even when the stride already ends on it (8, 8 -> ..., 8, 8)."""

from mini_vllm.capture_sizes import *
from mini_vllm.capture_sizes import capture_sizes_for as reference_for

CAUGHT_BY = ["test_an_on_stride_token_budget_is_not_appended_twice"]


def capture_sizes_for(max_num_seqs, max_num_batched_tokens, max_capture_size=None, **kwargs):
    ladder = list(reference_for(max_num_seqs, max_num_batched_tokens, max_capture_size, **kwargs))
    if ladder[-1] == max_num_batched_tokens and len(ladder) > 1 and ladder[-2] != ladder[-1]:
        ladder.append(max_num_batched_tokens)
    return ladder
