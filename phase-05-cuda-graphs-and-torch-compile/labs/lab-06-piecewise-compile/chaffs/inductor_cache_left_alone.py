"""With Inductor and a cache_dir, TORCHINDUCTOR_CACHE_DIR is never pointed at the key's directory.

The reference backend looks keep_inductor_cache up in its own module, so the bug is installed there
(each chaff runs in a pytest process of its own).
"""

from mini_vllm.compilation import *
from mini_vllm.compilation import backend

CAUGHT_BY = ["test_cache_with_inductor_saves_each_piece_and_a_hit_loads_it"]

backend.keep_inductor_cache = lambda compiler, directory: None
