"""Pads down: returns the largest rung <= batch, so batch 33 replays the graph for 32."""

from bisect import bisect_right

from mini_vllm.capture_sizes import *

CAUGHT_BY = ["test_batch_pads_to_its_rung_on_the_512_ladder", "test_batch_pads_up_to_the_smallest_rung_at_least_it"]


def padded_size(batch, sizes):
    ladder = check_capture_sizes(sizes)
    if batch < 1:
        raise ValueError(f"batch must be >= 1, got {batch}")
    i = bisect_right(ladder, batch) - 1
    return ladder[i] if i >= 0 else None
