"""Models 0.33.0's 1024 maximum but forgets that max_num_seqs became a rung there."""

from mini_vllm.capture_sizes import *
from mini_vllm.capture_sizes import capture_sizes_for as reference_for

CAUGHT_BY = ["test_deployment_ladder_matches_vllm_0_33_0", "test_max_num_seqs_is_a_rung_only_from_0_33_0"]


def capture_sizes_for(max_num_seqs, max_num_batched_tokens, max_capture_size=None, *, vllm_version="0.22.1",
                      compute_capability=None):
    if vllm_version == "0.33.0" and max_capture_size is None:
        blackwell = compute_capability is not None and compute_capability[0] == 10
        max_capture_size = min(2 * max_num_seqs, 1024 if blackwell else 512, max_num_batched_tokens)
    return reference_for(max_num_seqs, max_num_batched_tokens, max_capture_size)
