"""Never appends max_num_batched_tokens, so a 153-token budget tops out at 152 and 153 runs eager."""

from mini_vllm.capture_sizes import *

CAUGHT_BY = ["test_deployment_rung_counts", "test_deployment_ladder_matches_vllm",
             "test_deployment_ladder_covers_every_batch_up_to_the_token_budget"]


def capture_sizes_for(max_num_seqs, max_num_batched_tokens, max_capture_size=None):
    if min(max_num_seqs, max_num_batched_tokens) < 1:
        raise ValueError("max_num_seqs and max_num_batched_tokens must be >= 1")
    top = min(2 * max_num_seqs, 512) if max_capture_size is None else max_capture_size
    return default_capture_sizes(min(top, max_num_batched_tokens))
