"""Without VLLM_COMPILE, FULL_AND_PIECEWISE keeps its decode half (later vLLM), not NONE (0.22.1)."""

from mini_vllm.cudagraph_dispatcher import *
from mini_vllm.cudagraph_mode import *
from mini_vllm.cudagraph_mode import resolve_cudagraph_mode as _resolve

CAUGHT_BY = ["test_piecewise_modes_without_vllm_compile_drop_to_none"]


def resolve_cudagraph_mode(cudagraph_mode, compilation_mode, **kwargs):
    mode = parse_cudagraph_mode(cudagraph_mode)
    if mode is CUDAGraphMode.FULL_AND_PIECEWISE and compilation_mode != CompilationMode.VLLM_COMPILE:
        mode = CUDAGraphMode.FULL_DECODE_ONLY
    return _resolve(mode, compilation_mode, **kwargs)
