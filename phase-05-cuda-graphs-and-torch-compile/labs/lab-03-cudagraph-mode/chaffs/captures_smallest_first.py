"""Captures each pass smallest first (ascending), so small graphs cannot reuse the big one's pool."""

from mini_vllm.cudagraph_dispatcher import *
from mini_vllm.cudagraph_mode import *

CAUGHT_BY = ["test_capture_descs", "test_capture_runs_largest_first"]

_capture_descs = CudagraphDispatcher.capture_descs
CudagraphDispatcher.capture_descs = lambda self: [(m, descs[::-1]) for m, descs in _capture_descs(self)]
