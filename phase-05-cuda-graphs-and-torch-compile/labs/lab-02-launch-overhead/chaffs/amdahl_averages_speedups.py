"""Writes Amdahl as a weighted mean of speedups, f*s + (1 - f): right at both ends, wrong between."""

from mini_vllm import launch_cost
from mini_vllm.launch_cost import *

CAUGHT_BY = [
    "test_amdahl_formula",
    "test_amdahl_dilutes_a_big_speedup",
    "test_a_300x_ceiling_on_60_percent_is_about_2_5x",
]


def amdahl_speedup(fraction, speedup):
    launch_cost.amdahl_speedup(fraction, speedup)  # keep the reference's argument checks
    return fraction * speedup + (1 - fraction)
