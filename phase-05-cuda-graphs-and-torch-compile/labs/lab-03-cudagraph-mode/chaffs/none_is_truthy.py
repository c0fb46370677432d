"""Leaves out __bool__, so NONE is truthy as in v0.13 (default Enum truthiness)."""

from mini_vllm.cudagraph_dispatcher import *
from mini_vllm.cudagraph_mode import *

CAUGHT_BY = ["test_bool_is_false_only_for_none"]

del CUDAGraphMode.__bool__
