"""§8: "decode graphs go up to max_num_seqs", so min(max_num_seqs, top rung / q): forgets a decode pads past the last decode key."""

from mini_vllm.capture_sizes import check_capture_sizes
from mini_vllm.cudagraph_dispatcher import *
from mini_vllm.cudagraph_mode import *

CAUGHT_BY = ["test_largest_full_decode"]


def largest_full_decode(cudagraph_mode, compilation_mode, capture_sizes, max_num_seqs, *,
                        attention_support=AttentionCGSupport.ALWAYS, uniform_decode_query_len=1,
                        vllm_version="0.22.1"):
    mode = resolve_cudagraph_mode(cudagraph_mode, compilation_mode, attention_support=attention_support,
                                  vllm_version=vllm_version)
    CudagraphDispatcher(mode, capture_sizes, max_num_seqs, uniform_decode_query_len)
    if mode.decode_mode() is not CUDAGraphMode.FULL:
        return None
    return min(max_num_seqs, check_capture_sizes(capture_sizes)[-1] // uniform_decode_query_len)
