"""Accepts runner="v2" but prints V1's "(decode, FULL)" bars anyway: V2 names the mode alone."""

from mini_vllm.cudagraph_dispatcher import *
from mini_vllm.cudagraph_dispatcher import capture_log as reference_log
from mini_vllm.cudagraph_mode import *

CAUGHT_BY = ["test_v2_capture_log_names_only_the_mode"]


def capture_log(cudagraph_mode, capture_sizes, max_num_seqs, *, runner="v1"):
    if runner not in ("v1", "v2"):
        raise ValueError(f"runner must be 'v1' or 'v2', got {runner!r}")
    return reference_log(cudagraph_mode, capture_sizes, max_num_seqs)
