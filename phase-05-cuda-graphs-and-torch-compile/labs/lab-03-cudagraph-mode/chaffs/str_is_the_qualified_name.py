"""Leaves out __str__, so str(FULL) is 'CUDAGraphMode.FULL' instead of the bare name."""

from mini_vllm.cudagraph_dispatcher import *
from mini_vllm.cudagraph_mode import *

CAUGHT_BY = ["test_str_is_the_name"]

del CUDAGraphMode.__str__
