"""Keeps the eager cut-off apart from the ladder (batch > 512 is eager): off-stride ladders crash.

nano-vllm's flaw: its graphs stop at the last multiple of 16 below max_num_seqs while the eager
test compares against a fixed 512, so a batch between the two finds no graph (StopIteration).
"""

from mini_vllm.capture_sizes import *

CAUGHT_BY = ["test_eager_cutoff_is_the_ladders_own_top_rung", "test_batch_above_the_top_rung_runs_eagerly"]


def padded_size(batch, sizes):
    ladder = check_capture_sizes(sizes)
    if batch < 1:
        raise ValueError(f"batch must be >= 1, got {batch}")
    if batch > 512:
        return None
    return next(size for size in ladder if size >= batch)
