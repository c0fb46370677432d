"""V2's FULL decode bar counts every rung, as if V2 ignored max_num_seqs (it stops there too)."""

from mini_vllm.cudagraph_dispatcher import *
from mini_vllm.cudagraph_dispatcher import capture_log as reference_log
from mini_vllm.cudagraph_mode import *

CAUGHT_BY = ["test_v2_capture_log_names_only_the_mode"]


def capture_log(cudagraph_mode, capture_sizes, max_num_seqs, *, runner="v1"):
    if runner != "v2":
        return reference_log(cudagraph_mode, capture_sizes, max_num_seqs, runner=runner)
    return reference_log(cudagraph_mode, capture_sizes, max(max_num_seqs, capture_sizes[-1]), runner="v2")
