"""has_mode compares members for equality, so a composite never "has" its halves."""

from mini_vllm.cudagraph_dispatcher import *
from mini_vllm.cudagraph_mode import *

CAUGHT_BY = ["test_has_mode", "test_requires_piecewise_compilation", "test_has_piecewise_cudagraphs",
             "test_piecewise_modes_without_vllm_compile_drop_to_none"]


def _has_mode(self, mode):
    return self is mode


CUDAGraphMode.has_mode = _has_mode
