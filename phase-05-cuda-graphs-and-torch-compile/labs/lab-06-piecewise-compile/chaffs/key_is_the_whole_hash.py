"""The cache key is the whole sha256 (64 hex digits) instead of upstream's first 10."""

from mini_vllm.compilation import *
from mini_vllm.compilation import backend, cache

CAUGHT_BY = ["test_cache_key_is_10_hex_digits"]


def cache_key(gm, example_inputs, config):
    import hashlib
    import json

    factors = cache.cache_factors(gm, example_inputs, config)
    return hashlib.sha256(json.dumps(factors, sort_keys=True).encode()).hexdigest()


backend.cache_key = cache_key
