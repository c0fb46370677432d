"""§8: plain FULL captures no uniform-decode keys, so "no decode replays a full graph" — but decodes replay its mixed keys."""

from mini_vllm.cudagraph_dispatcher import *
from mini_vllm.cudagraph_dispatcher import largest_full_decode as reference_largest
from mini_vllm.cudagraph_mode import *

CAUGHT_BY = ["test_largest_full_decode"]


def largest_full_decode(cudagraph_mode, compilation_mode, capture_sizes, max_num_seqs, *,
                        attention_support=AttentionCGSupport.ALWAYS, uniform_decode_query_len=1,
                        vllm_version="0.22.1"):
    mode = resolve_cudagraph_mode(cudagraph_mode, compilation_mode, attention_support=attention_support,
                                  vllm_version=vllm_version)
    if mode is CUDAGraphMode.FULL:
        CudagraphDispatcher(mode, capture_sizes, max_num_seqs, uniform_decode_query_len)
        return None
    return reference_largest(mode, compilation_mode, capture_sizes, max_num_seqs,
                             attention_support=attention_support,
                             uniform_decode_query_len=uniform_decode_query_len, vllm_version=vllm_version)
