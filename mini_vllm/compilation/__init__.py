"""Piecewise torch.compile on the CPU: split at attention, compile the pieces, cache them.

The modules: `partition` (count ops, match and split at the splitting ops), `cache` (the hash
key), `cache_files` (the on-disk index, a provided helper), `compilers` (eager / aot_eager /
Inductor, and saving Inductor results), `backend` (the torch.compile backend tying them
together), `launches` (launch accounting for a split graph and for a stack of layers),
`splittable_decoder` (the tiny model and its `minivllm::attention` custom op), `measure` (where
startup time goes, cold vs warm cache). Only `splittable_decoder` imports torch at import time;
nothing here is imported by `import mini_vllm`: lab-06 imports `mini_vllm.compilation` by name.
"""

from mini_vllm.compilation.backend import PiecewiseBackend
from mini_vllm.compilation.cache import cache_key
from mini_vllm.compilation.launches import launch_accounting, launches_per_step, stacked_launches
from mini_vllm.compilation.partition import (
    DEFAULT_SPLITTING_OPS,
    SplitItem,
    count_ops,
    should_split,
    split_graph,
)

__all__ = [
    "DEFAULT_SPLITTING_OPS",
    "PiecewiseBackend",
    "SplitItem",
    "cache_key",
    "count_ops",
    "launch_accounting",
    "launches_per_step",
    "should_split",
    "split_graph",
    "stacked_launches",
]
