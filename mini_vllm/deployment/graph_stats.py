"""vLLM's own graph statistics, as traffic a ladder can be tuned on.

With `--cudagraph-metrics`, every stats interval logs a table of the steps it ran: tokens
before and after padding, the runtime mode, and how many steps had that shape. Summed over
the intervals, that table is the workload evidence lab-05's `optimal_ladder` asks for, with
padding measured by vLLM itself instead of assumed.
upstream: vllm/compilation/cuda_graph.py:33-124 (CUDAGraphStat, CUDAGraphLogging; 0.22.1).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

from mini_vllm.capture_sizes import check_capture_sizes, rung_for
from mini_vllm.deployment.facts import StatsRow

# One data row of the table: "| 33 | 40 | 7 | FULL | 12 |", cells padded with spaces.
_ROW = re.compile(r"\|\s*(\d+)\s*\|\s*(\d+)\s*\|\s*(\d+)\s*\|\s*([A-Z_]+)\s*\|\s*(\d+)\s*\|\s*$")
_GRAPH_MODES = ("FULL", "PIECEWISE")


def graph_stats(text: str) -> list[StatsRow]:
    """Every ``--cudagraph-metrics`` table in a log, summed over the intervals that logged it.

    One row per (unpadded, padded, mode), sorted by unpadded, then padded, then mode. A non-str
    ``text`` is a TypeError naming ``text``.
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str (the log's contents), got {type(text).__name__}")
    return summed_rows(text.splitlines())


def summed_rows(lines: Iterable[str]) -> list[StatsRow]:
    """graph_stats over a stream of lines, so a log of any size is read in bounded memory."""
    counts: Counter[tuple[int, int, str]] = Counter()
    for line in lines:
        match = _ROW.search(line)
        if match:
            unpadded, padded, _paddings, mode, count = match.groups()
            counts[int(unpadded), int(padded), mode] += int(count)
    return [StatsRow(u, p, m, c) for (u, p, m), c in sorted(counts.items())]


def graph_traffic(rows: Sequence[StatsRow]) -> dict[int, int]:
    """{tokens: steps} for the steps a capture ladder shapes. See README §6 for which."""
    if not isinstance(rows, Sequence) or not all(isinstance(r, StatsRow) for r in rows):
        raise TypeError(f"rows must be a sequence of StatsRow, got {type(rows).__name__}")
    traffic: Counter[int] = Counter()
    for row in rows:
        if row.mode in _GRAPH_MODES:
            traffic[row.unpadded] += row.count
    return dict(sorted(traffic.items()))


def padded_tokens(rows: Sequence[StatsRow], ladder: Sequence[int]) -> int:
    """Tokens of padding the steps in ``rows`` would compute if replayed on ``ladder``."""
    return traffic_padding(graph_traffic(rows), ladder)


def traffic_padding(traffic: Mapping[int, float], ladder: Sequence[int]) -> float:
    """Tokens of padding {tokens: steps} computes on `ladder`; steps above its top pad nothing."""
    sizes = check_capture_sizes(ladder, "ladder")
    total = 0
    for tokens, steps in traffic.items():
        rung = rung_for(tokens, sizes)
        total += 0 if rung is None else (rung - tokens) * steps
    return total
