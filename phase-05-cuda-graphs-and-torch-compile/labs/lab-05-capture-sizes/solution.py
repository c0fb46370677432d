"""Lab 05 reference: the capture-size ladder lives in mini_vllm/capture_sizes.py.

One implementation, exposed here under the lab's API so the tests grade it like any other file.
"""

from mini_vllm.capture_sizes import (
    capture_sizes_for,
    default_capture_sizes,
    expected_waste,
    fastest_ladder,
    optimal_ladder,
    padded_size,
    padding_waste,
)

__all__ = [
    "capture_sizes_for",
    "default_capture_sizes",
    "expected_waste",
    "fastest_ladder",
    "optimal_ladder",
    "padded_size",
    "padding_waste",
]
