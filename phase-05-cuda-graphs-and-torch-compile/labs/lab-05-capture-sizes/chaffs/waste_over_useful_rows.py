"""Divides padding by the useful rows instead of all computed rows (7/33 for a 33 at 40, not 7/40)."""

from mini_vllm.capture_sizes import *
from mini_vllm.capture_sizes import _traffic_weights

CAUGHT_BY = ["test_expected_waste_on_hand_computed_mixes", "test_observed_batches_and_weights_agree"]


def expected_waste(traffic, sizes):
    weights = _traffic_weights(traffic)
    padding = sum(w * padding_waste(b, sizes) for b, w in weights.items())
    return padding / sum(w * b for b, w in weights.items())
