"""resolve_cudagraph_mode defaults attention_in_splitting_ops to False."""

from mini_vllm.cudagraph_dispatcher import *
from mini_vllm.cudagraph_mode import *
from mini_vllm.cudagraph_mode import resolve_cudagraph_mode as reference_resolve

CAUGHT_BY = ["test_attention_is_a_splitting_op_by_default"]


def resolve_cudagraph_mode(cudagraph_mode, compilation_mode, *, attention_in_splitting_ops=False, **kwargs):
    return reference_resolve(cudagraph_mode, compilation_mode,
                             attention_in_splitting_ops=attention_in_splitting_ops, **kwargs)
