"""Clamps a batch above the top rung to the top rung instead of running it eagerly."""

from mini_vllm.capture_sizes import *
from mini_vllm.capture_sizes import padded_size as reference_padded_size

CAUGHT_BY = ["test_batch_above_the_top_rung_runs_eagerly", "test_eager_cutoff_is_the_ladders_own_top_rung",
             "test_batch_pads_to_its_rung_on_the_512_ladder"]


def padded_size(batch, sizes):
    rung = reference_padded_size(batch, sizes)
    return sizes[-1] if rung is None else rung
