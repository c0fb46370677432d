"""The capture-size ladder: which batch sizes get a graph, and where every other batch pads to.

A graph replays one shape only, so an engine captures a ladder of batch sizes and pads each
batch up to the next rung. The eager cut-off is the ladder's own top rung, never a separate
literal: computing the two in different places is how off-stride ladders crash.
upstream: vllm/config/vllm.py:1597 (_set_cudagraph_sizes) and
vllm/v1/cudagraph_dispatcher.py:76 (_compute_bs_to_padded_graph_size), both 0.22.1.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence


def check_capture_sizes(sizes: Sequence[int], name: str = "sizes") -> list[int]:
    """Return the ladder as a list, or raise: it must be non-empty, positive, strictly rising."""
    if isinstance(sizes, (str, bytes)) or not isinstance(sizes, Sequence):
        raise TypeError(f"{name} must be a sequence of ints, got {type(sizes).__name__}")
    ladder = list(sizes)
    if not ladder:
        raise ValueError(f"{name} must hold at least one capture size, got []")
    for size in ladder:
        if isinstance(size, bool) or not isinstance(size, int):
            raise TypeError(f"{name} must hold ints, got {size!r}")
        if size < 1:
            raise ValueError(f"{name} must hold sizes >= 1, got {size}")
    if any(a >= b for a, b in zip(ladder, ladder[1:])):
        raise ValueError(f"{name} must be strictly increasing (sorted, no duplicates), got {ladder}")
    return ladder


def padded_size(batch: int, sizes: Sequence[int]) -> int | None:
    """The smallest rung >= batch, or None when batch is above the top rung (it runs eagerly).

    Padding goes up, never down: a graph captured for 40 rows can serve 33 by computing 7
    rows of padding, but a graph for 32 cannot hold 33. upstream:
    vllm/v1/cudagraph_dispatcher.py:76 (0.22.1) builds the same map as a lookup table.
    """
    if isinstance(batch, bool) or not isinstance(batch, int):
        raise TypeError(f"batch must be an int, got {type(batch).__name__}")
    if batch < 1:
        raise ValueError(f"batch must be >= 1, got {batch}")
    ladder = check_capture_sizes(sizes)
    i = bisect_left(ladder, batch)
    return ladder[i] if i < len(ladder) else None
