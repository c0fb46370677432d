"""Lab 07: read a real deployment. Your work goes here.

Fill in every body that raises NotImplementedError; README.md walks you through it.
Grade yourself: LAB_IMPL=starter pytest phase-05-cuda-graphs-and-torch-compile/labs/lab-07-read-a-deployment -q
"""

from __future__ import annotations

from collections.abc import Sequence

from mini_vllm.deployment.facts import CapturePass, LogFacts, StatsRow

__all__ = [
    "CapturePass",
    "LogFacts",
    "StatsRow",
    "graph_stats",
    "graph_traffic",
    "graphs_held",
    "padded_tokens",
    "parse_log",
]


def parse_log(text: str) -> LogFacts:
    """What a whole vLLM start-up log says about its graphs and compilation.

    ``text`` is the log exactly as vLLM wrote it (every process's lines, carriage returns
    included). A field the log does not state stays at its default. A non-str ``text`` is a
    TypeError naming ``text``.
    """
    raise NotImplementedError("lab-07: parse_log — see README §2-§5")


def graph_stats(text: str) -> list[StatsRow]:
    """Every ``--cudagraph-metrics`` table in a log, summed over the intervals that logged it.

    One row per (unpadded, padded, mode), sorted by unpadded, then padded, then mode. A non-str
    ``text`` is a TypeError naming ``text``.
    """
    raise NotImplementedError("lab-07: graph_stats — see README §6")


def graph_traffic(rows: Sequence[StatsRow]) -> dict[int, int]:
    """{tokens: steps} for the steps a capture ladder shapes. See README §6 for which."""
    raise NotImplementedError("lab-07: graph_traffic — see README §6")


def padded_tokens(rows: Sequence[StatsRow], ladder: Sequence[int]) -> int:
    """Tokens of padding the steps in ``rows`` would compute if replayed on ``ladder``."""
    raise NotImplementedError("lab-07: padded_tokens — see README §6")


def graphs_held(text: str) -> int | None:
    """CUDA graphs the engine holds for serving once start-up completes; None if it never did."""
    raise NotImplementedError("lab-07: graphs_held — see README §7")
