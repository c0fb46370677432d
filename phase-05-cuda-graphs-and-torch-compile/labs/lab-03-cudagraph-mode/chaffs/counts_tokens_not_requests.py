"""§8: returns the token count of the largest decode key; with q tokens per request that is q times the answer."""

from mini_vllm.cudagraph_dispatcher import *
from mini_vllm.cudagraph_dispatcher import largest_full_decode as reference_largest
from mini_vllm.cudagraph_mode import *

CAUGHT_BY = ["test_largest_full_decode"]


def largest_full_decode(cudagraph_mode, compilation_mode, capture_sizes, max_num_seqs, *,
                        attention_support=AttentionCGSupport.ALWAYS, uniform_decode_query_len=1,
                        vllm_version="0.22.1"):
    got = reference_largest(cudagraph_mode, compilation_mode, capture_sizes, max_num_seqs,
                            attention_support=attention_support,
                            uniform_decode_query_len=uniform_decode_query_len, vllm_version=vllm_version)
    return None if got is None else got * uniform_decode_query_len
