"""mini_vllm: the small, readable reference engine behind phase 05's labs.

Each module holds one concept (capture/replay, launch economics, the capture-size ladder, the
mode dispatch, the GPU twin) and mirrors a named place in vLLM 0.22.1. The names below are the
labs' API: solutions expose them, and graders import them from here.
"""

from mini_vllm.capture_sizes import padded_size
from mini_vllm.cudagraph import GraphEntry, GraphRunner, PiecewiseGraphRunner, eager

__all__ = [
    "GraphEntry",
    "GraphRunner",
    "PiecewiseGraphRunner",
    "eager",
    "padded_size",
]
