"""Leaves eager batches out of the total, so their real rows do not dilute the padding share."""

from mini_vllm.capture_sizes import *
from mini_vllm.capture_sizes import _traffic_weights

CAUGHT_BY = ["test_expected_waste_on_hand_computed_mixes"]


def expected_waste(traffic, sizes):
    padding = computed = 0.0
    for batch, weight in _traffic_weights(traffic).items():
        rung = padded_size(batch, sizes)
        if rung is not None:
            padding += weight * (rung - batch)
            computed += weight * rung
    return padding / computed if computed else 0.0
