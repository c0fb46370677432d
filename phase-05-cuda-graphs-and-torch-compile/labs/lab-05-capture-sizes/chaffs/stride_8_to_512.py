"""Keeps stride 8 all the way to the max: 67 rungs for 512 instead of 51, and 257 pads to 264."""

from mini_vllm.capture_sizes import *

CAUGHT_BY = ["test_rung_counts_match_vllm_0_22_1", "test_default_ladder_follows_the_stride_rule"]


def default_capture_sizes(max_capture_size=512):
    if max_capture_size < 1:
        raise ValueError(f"max_capture_size must be >= 1, got {max_capture_size}")
    return [x for x in (1, 2, 4) if x <= max_capture_size] + list(range(8, max_capture_size + 1, 8))
