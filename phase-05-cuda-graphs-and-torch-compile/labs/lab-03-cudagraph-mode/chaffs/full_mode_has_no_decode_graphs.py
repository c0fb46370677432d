"""§8: plain FULL captures no uniform-decode keys, so "no decode replays a full graph" — but decodes replay its mixed keys."""

from mini_vllm.cudagraph_dispatcher import *
from mini_vllm.cudagraph_dispatcher import largest_full_decode as reference_largest
from mini_vllm.cudagraph_mode import *

CAUGHT_BY = ["test_largest_full_decode"]


def largest_full_decode(cudagraph_mode, compilation_mode, *args, **kwargs):
    got = reference_largest(cudagraph_mode, compilation_mode, *args, **kwargs)
    guards = {k: v for k, v in kwargs.items() if k in ("attention_support", "vllm_version")}
    resolved = resolve_cudagraph_mode(cudagraph_mode, compilation_mode, **guards)
    return None if resolved is CUDAGraphMode.FULL else got
