"""FULL with NEVER attention support is quietly downgraded like any partial support, not refused."""

from mini_vllm.cudagraph_dispatcher import *
from mini_vllm.cudagraph_mode import *
from mini_vllm.cudagraph_mode import resolve_cudagraph_mode as _resolve

CAUGHT_BY = ["test_full_with_never_support_is_an_error"]


def resolve_cudagraph_mode(cudagraph_mode, compilation_mode, *,
                           attention_support=AttentionCGSupport.ALWAYS, **kwargs):
    mode = parse_cudagraph_mode(cudagraph_mode)
    if mode is CUDAGraphMode.FULL and attention_support is AttentionCGSupport.NEVER:
        attention_support = AttentionCGSupport.UNIFORM_BATCH
    return _resolve(mode, compilation_mode, attention_support=attention_support, **kwargs)
