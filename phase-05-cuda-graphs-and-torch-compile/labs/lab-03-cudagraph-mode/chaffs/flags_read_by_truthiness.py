"""Flags are read by truthiness: dispatch(..., uniform_decode='no') runs as a uniform decode."""

from mini_vllm.cudagraph_dispatcher import *
from mini_vllm.cudagraph_mode import *

CAUGHT_BY = ["test_every_error_names_its_argument"]

_dispatch = CudagraphDispatcher.dispatch


def _dispatch_truthy_flags(self, num_tokens, uniform_decode=False, has_lora=False, invalid_modes=None):
    return _dispatch(self, num_tokens, bool(uniform_decode), bool(has_lora), invalid_modes)


CudagraphDispatcher.dispatch = _dispatch_truthy_flags
