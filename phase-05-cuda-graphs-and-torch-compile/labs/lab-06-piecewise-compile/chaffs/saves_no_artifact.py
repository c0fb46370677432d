"""Inductor pieces are recorded with no artifact, so a hit runs the traced piece, uncompiled.

The reference backend looks store_artifact up in its own module, so the bug is installed there
(each chaff runs in a pytest process of its own).
"""

from mini_vllm.compilation import *
from mini_vllm.compilation import backend

CAUGHT_BY = ["test_cache_with_inductor_saves_each_piece_and_a_hit_loads_it"]

backend.store_artifact = lambda compiler, compiled, directory, graph_id: None
