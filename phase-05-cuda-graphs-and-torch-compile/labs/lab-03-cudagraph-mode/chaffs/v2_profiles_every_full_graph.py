"""0.33.0's V2 profiling capture is drawn with every FULL graph, not the two largest it samples."""

from mini_vllm.cudagraph_dispatcher import *
from mini_vllm.cudagraph_dispatcher import capture_log as reference_log
from mini_vllm.cudagraph_mode import *

CAUGHT_BY = ["test_v2_at_0_33_0_captures_once_to_profile_memory_first"]


def capture_log(cudagraph_mode, capture_sizes, max_num_seqs, *, runner="v1", vllm_version="0.22.1"):
    lines = reference_log(cudagraph_mode, capture_sizes, max_num_seqs, runner=runner)
    if runner == "v2" and vllm_version == "0.33.0":
        return lines + lines
    return reference_log(cudagraph_mode, capture_sizes, max_num_seqs, runner=runner, vllm_version=vllm_version)
