"""§8: reasons about the mode the user asked for, skipping §3's guards that decide which graphs exist."""

from mini_vllm.cudagraph_dispatcher import *
from mini_vllm.cudagraph_mode import *

CAUGHT_BY = ["test_largest_full_decode"]


def largest_full_decode(cudagraph_mode, compilation_mode, capture_sizes, max_num_seqs, *,
                        attention_support=AttentionCGSupport.ALWAYS, uniform_decode_query_len=1,
                        vllm_version="0.22.1"):
    resolve_cudagraph_mode(cudagraph_mode, compilation_mode, attention_support=attention_support,
                           vllm_version=vllm_version)  # for its errors only
    mode = parse_cudagraph_mode(cudagraph_mode)
    dispatcher = CudagraphDispatcher(mode, capture_sizes, max_num_seqs, uniform_decode_query_len)
    if mode.decode_mode() is not CUDAGraphMode.FULL:
        return None
    keys = [k.num_tokens for k in dispatcher.keys[CUDAGraphMode.FULL] if k.uniform == mode.separate_routine()]
    return min(max(keys) // uniform_decode_query_len, max_num_seqs) if keys else None
