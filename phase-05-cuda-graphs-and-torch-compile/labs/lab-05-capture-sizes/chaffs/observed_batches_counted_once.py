"""Treats a sequence of observed batches as a set: a batch seen 100 times weighs as much as one seen once."""

from mini_vllm.capture_sizes import *
from mini_vllm.capture_sizes import expected_waste as reference_waste

CAUGHT_BY = ["test_observed_batches_and_weights_agree", "test_expected_waste_on_hand_computed_mixes"]


def expected_waste(traffic, sizes):
    if not isinstance(traffic, dict):
        traffic = sorted(set(traffic))
    return reference_waste(traffic, sizes)
