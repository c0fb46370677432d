"""The profiling capture is printed for V1 and at 0.22.1 too, where only 0.33.0's V2 captures to profile."""

from mini_vllm.cudagraph_dispatcher import *
from mini_vllm.cudagraph_dispatcher import capture_log as reference_log
from mini_vllm.cudagraph_mode import *

CAUGHT_BY = ["test_only_v2_at_0_33_0_profiles_by_capturing", "test_capture_log_passes",
             "test_v2_capture_log_names_only_the_mode"]


def capture_log(cudagraph_mode, capture_sizes, max_num_seqs, *, runner="v1", vllm_version="0.22.1"):
    real = reference_log(cudagraph_mode, capture_sizes, max_num_seqs, runner=runner)
    profiled = reference_log(cudagraph_mode, capture_sizes, max_num_seqs, runner="v2", vllm_version="0.33.0")
    return profiled[:len(profiled) - len(real)] if runner == "v2" else [
        line.replace("(FULL)", "(decode, FULL)").replace("(PIECEWISE)", "(mixed prefill-decode, PIECEWISE)")
        for line in profiled[:len(profiled) - len(real)]] + real
