"""Ends the stride ranges at max instead of max + 1, so the max itself is never a rung."""

from mini_vllm.capture_sizes import *

CAUGHT_BY = ["test_rung_counts_match_vllm_0_22_1", "test_default_ladder_follows_the_stride_rule",
             "test_default_max_is_512"]


def default_capture_sizes(max_capture_size=512):
    if max_capture_size < 1:
        raise ValueError(f"max_capture_size must be >= 1, got {max_capture_size}")
    sizes = [x for x in (1, 2, 4) if x <= max_capture_size]
    sizes += range(8, min(max_capture_size, 256), 8)
    sizes += range(256, max_capture_size, 16)
    return sizes
