"""Relaxes PIECEWISE keys only to uniform=False, keeping num_reqs, so each key pins a request count."""

import dataclasses

import mini_vllm.cudagraph_dispatcher as _dispatcher
from mini_vllm.cudagraph_dispatcher import *
from mini_vllm.cudagraph_mode import *

CAUGHT_BY = ["test_dispatch_pads_and_routes", "test_capture_descs", "test_dispatch_with_l4_defaults"]

_dispatcher._relaxed = lambda key: dataclasses.replace(key, uniform=False)
