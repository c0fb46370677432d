"""The cache key hashes the graph and inputs but not the backend config.

The reference backend looks cache_key up in its own module, so the bug is installed there
(each chaff runs in a pytest process of its own).
"""

from mini_vllm.compilation import *
from mini_vllm.compilation import backend, cache

CAUGHT_BY = ["test_cache_misses_when_config_changes", "test_cache_key_changes_with_each_factor"]


def cache_key(gm, example_inputs, config):
    return cache.cache_key(gm, example_inputs, {})


backend.cache_key = cache_key
