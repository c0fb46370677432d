"""Trusts attention_in_splitting_ops under any compilation mode, so FULL becomes an unrunnable FULL_AND_PIECEWISE."""

from mini_vllm.cudagraph_dispatcher import *
from mini_vllm.cudagraph_mode import *
from mini_vllm.cudagraph_mode import resolve_cudagraph_mode as _resolve

CAUGHT_BY = ["test_full_with_partial_attention_support_keeps_full_graphs_for_decode"]


def resolve_cudagraph_mode(cudagraph_mode, compilation_mode, *, enforce_eager=False,
                           attention_support=AttentionCGSupport.ALWAYS, attention_in_splitting_ops=True):
    mode = parse_cudagraph_mode(cudagraph_mode)
    partial = attention_support not in (AttentionCGSupport.ALWAYS, AttentionCGSupport.NEVER)
    if mode is CUDAGraphMode.FULL and partial and attention_in_splitting_ops and not enforce_eager:
        return CUDAGraphMode.FULL_AND_PIECEWISE
    return _resolve(mode, compilation_mode, enforce_eager=enforce_eager,
                    attention_support=attention_support,
                    attention_in_splitting_ops=attention_in_splitting_ops)
