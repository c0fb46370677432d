"""Rounds the max up to the stride with (max + 1) // 8 * 8, so a max of 15 gets a rung of 16."""

from mini_vllm.capture_sizes import *
from mini_vllm.capture_sizes import default_capture_sizes as reference_default

CAUGHT_BY = ["test_default_ladder_for_maxima_7_mod_8"]


def default_capture_sizes(max_capture_size=512, **kwargs):
    ladder = list(reference_default(max_capture_size, **kwargs))
    top = (max_capture_size + 1) // 8 * 8
    if 8 <= top < 256 and top not in ladder:
        ladder = sorted([*ladder, top])
    return ladder
