"""invalid_modes listing every runtime mode falls back to NONE, a mode it was told not to use."""

from mini_vllm.cudagraph_dispatcher import *
from mini_vllm.cudagraph_mode import *

CAUGHT_BY = ["test_every_error_names_its_argument"]

_dispatch = CudagraphDispatcher.dispatch


def _dispatch_eager_when_all_invalid(self, num_tokens, uniform_decode=False, has_lora=False,
                                     invalid_modes=None):
    invalid = set(invalid_modes or ())
    if invalid == set(CUDAGraphMode.valid_runtime_modes()):
        return CUDAGraphMode.NONE, BatchDescriptor(num_tokens)
    return _dispatch(self, num_tokens, uniform_decode, has_lora, invalid)


CudagraphDispatcher.dispatch = _dispatch_eager_when_all_invalid
