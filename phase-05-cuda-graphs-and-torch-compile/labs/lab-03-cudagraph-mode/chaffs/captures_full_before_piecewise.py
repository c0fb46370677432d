"""Runs the FULL capture pass before the PIECEWISE one."""

from mini_vllm.cudagraph_dispatcher import *
from mini_vllm.cudagraph_mode import *

CAUGHT_BY = ["test_capture_descs", "test_capture_log_passes"]

_capture_descs = CudagraphDispatcher.capture_descs
CudagraphDispatcher.capture_descs = lambda self: _capture_descs(self)[::-1]
