"""Any invalid mode sends the batch straight to NONE, skipping the PIECEWISE fallback."""

from mini_vllm.cudagraph_dispatcher import *
from mini_vllm.cudagraph_mode import *

CAUGHT_BY = ["test_invalid_modes_force_the_fallback"]

_dispatch = CudagraphDispatcher.dispatch


def _dispatch_eager_on_any_invalid(self, num_tokens, uniform_decode=False, has_lora=False, invalid_modes=None):
    if invalid_modes:
        return CUDAGraphMode.NONE, BatchDescriptor(num_tokens)
    return _dispatch(self, num_tokens, uniform_decode, has_lora, invalid_modes)


CudagraphDispatcher.dispatch = _dispatch_eager_on_any_invalid
