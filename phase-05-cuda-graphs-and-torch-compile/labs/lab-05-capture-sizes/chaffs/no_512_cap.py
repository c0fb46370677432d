"""Takes 2 x max_num_seqs as the capture max with no 512 cap: an H100's 1024 seqs capture 115."""

from mini_vllm.capture_sizes import *
from mini_vllm.capture_sizes import capture_sizes_for as reference_for

CAUGHT_BY = ["test_deployment_rung_counts", "test_deployment_ladder_matches_vllm"]


def capture_sizes_for(max_num_seqs, max_num_batched_tokens, max_capture_size=None):
    if max_capture_size is None:
        max_capture_size = 2 * max_num_seqs
    return reference_for(max_num_seqs, max_num_batched_tokens, max_capture_size)
