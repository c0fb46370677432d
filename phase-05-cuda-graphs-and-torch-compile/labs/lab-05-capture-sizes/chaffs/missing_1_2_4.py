"""Starts the ladder at 8, so batches 1, 2 and 4 (the commonest decode steps) pad to 8."""

from mini_vllm.capture_sizes import *
from mini_vllm.capture_sizes import default_capture_sizes as reference_default

CAUGHT_BY = ["test_rung_counts_match_vllm_0_22_1", "test_default_ladder_follows_the_stride_rule"]


def default_capture_sizes(max_capture_size=512):
    return [x for x in reference_default(max_capture_size) if x >= 8] or [8]
