"""NONE in invalid_modes is ignored: a batch no graph fits still runs eagerly, as it was told not to."""

from mini_vllm.cudagraph_dispatcher import *
from mini_vllm.cudagraph_mode import *

CAUGHT_BY = ["test_every_error_names_its_argument"]

_dispatch = CudagraphDispatcher.dispatch


def _dispatch_ignoring_none(self, num_tokens, uniform_decode=False, has_lora=False, invalid_modes=None):
    invalid = set(invalid_modes or ()) - {CUDAGraphMode.NONE}
    return _dispatch(self, num_tokens, uniform_decode, has_lora, invalid)


CudagraphDispatcher.dispatch = _dispatch_ignoring_none
