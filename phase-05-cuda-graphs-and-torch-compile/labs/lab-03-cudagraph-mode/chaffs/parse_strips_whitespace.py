"""parse_cudagraph_mode strips whitespace, so ' full' parses although vLLM's name lookup refuses it."""

from mini_vllm.cudagraph_dispatcher import *
from mini_vllm.cudagraph_mode import *
from mini_vllm.cudagraph_mode import parse_cudagraph_mode as reference_parse

CAUGHT_BY = ["test_every_error_names_its_argument"]


def parse_cudagraph_mode(cudagraph_mode):
    return reference_parse(cudagraph_mode.strip() if isinstance(cudagraph_mode, str) else cudagraph_mode)
