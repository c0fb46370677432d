"""The cache key is built with Python's hash(), which is salted differently in every process.

The reference backend looks cache_key up in its own module, so the bug is installed there
(each chaff runs in a pytest process of its own; the fresh process loads this file too).
"""

import json

from mini_vllm.compilation import *
from mini_vllm.compilation import backend, cache

CAUGHT_BY = ["test_cache_hits_in_a_fresh_process"]


def cache_key(gm, example_inputs, config):
    factors = json.dumps(cache.cache_factors(gm, example_inputs, config), sort_keys=True)
    return f"{hash(factors) & (16**10 - 1):010x}"


backend.cache_key = cache_key
