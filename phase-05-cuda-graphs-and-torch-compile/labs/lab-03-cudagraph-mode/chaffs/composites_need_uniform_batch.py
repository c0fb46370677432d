"""Asks UNIFORM_BATCH for full decode graphs, which every level above NEVER already serves."""

from mini_vllm import cudagraph_mode as modes
from mini_vllm.cudagraph_dispatcher import *
from mini_vllm.cudagraph_mode import *

CAUGHT_BY = ["test_minimum_attention_support", "test_minimum_attention_support_accepts_names_and_ints"]


def minimum_attention_support(cudagraph_mode, compilation_mode, *, enforce_eager=False):
    level = modes.minimum_attention_support(cudagraph_mode, compilation_mode,
                                                     enforce_eager=enforce_eager)
    if level is AttentionCGSupport.UNIFORM_SINGLE_TOKEN_DECODE:
        return AttentionCGSupport.UNIFORM_BATCH
    return level
