"""Looks for a rung strictly greater than the batch: batch 32 pads to 40 instead of fitting 32."""

from bisect import bisect_right

from mini_vllm.capture_sizes import *

CAUGHT_BY = ["test_batch_equal_to_a_rung_is_not_padded", "test_batch_pads_to_its_rung_on_the_512_ladder"]


def padded_size(batch, sizes):
    ladder = check_capture_sizes(sizes)
    if batch < 1:
        raise ValueError(f"batch must be >= 1, got {batch}")
    i = bisect_right(ladder, batch)
    return ladder[i] if i < len(ladder) else None
