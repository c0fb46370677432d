"""§8: answers how many FULL decode graphs are captured, not how many requests the largest one serves."""

from mini_vllm.cudagraph_dispatcher import *
from mini_vllm.cudagraph_mode import *

CAUGHT_BY = ["test_largest_full_decode", "test_largest_full_decode_accepts_names_and_ints"]


def largest_full_decode(cudagraph_mode, compilation_mode, capture_sizes, max_num_seqs, *,
                        attention_support=AttentionCGSupport.ALWAYS, uniform_decode_query_len=1,
                        vllm_version="0.22.1"):
    mode = resolve_cudagraph_mode(cudagraph_mode, compilation_mode, attention_support=attention_support,
                                  vllm_version=vllm_version)
    dispatcher = CudagraphDispatcher(mode, capture_sizes, max_num_seqs, uniform_decode_query_len)
    if mode.decode_mode() is not CUDAGraphMode.FULL:
        return None
    keys = [k for k in dispatcher.keys[CUDAGraphMode.FULL] if k.uniform == mode.separate_routine()]
    return len(keys) or None
