"""Tests finiteness with math.isfinite, which raises OverflowError on an int above the largest float."""

import math

from mini_vllm import launch_cost
from mini_vllm.launch_cost import *

CAUGHT_BY = ["test_an_int_beyond_the_largest_float_is_a_value_error_for_every_real_argument"]


def predicted_step_speedup(num_ops, launch_us, gpu_us):
    for name, value in (("launch_us", launch_us), ("gpu_us", gpu_us)):
        if not isinstance(value, bool) and isinstance(value, (int, float)) and not math.isfinite(value):
            raise ValueError(f"{name} must be finite, got {value}")
    return launch_cost.predicted_step_speedup(num_ops, launch_us, gpu_us)
