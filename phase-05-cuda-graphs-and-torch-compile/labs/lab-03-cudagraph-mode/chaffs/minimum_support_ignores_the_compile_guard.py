"""Names a backend level for a piecewise mode without VLLM_COMPILE, as if the backend could save it."""

from mini_vllm import cudagraph_mode as modes
from mini_vllm.cudagraph_dispatcher import *
from mini_vllm.cudagraph_mode import *

CAUGHT_BY = ["test_minimum_attention_support"]


def minimum_attention_support(cudagraph_mode, compilation_mode, *, enforce_eager=False):
    modes.resolve_cudagraph_mode(cudagraph_mode, compilation_mode, enforce_eager=enforce_eager)
    return modes.minimum_attention_support(
        cudagraph_mode, CompilationMode.VLLM_COMPILE, enforce_eager=enforce_eager)
