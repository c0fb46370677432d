"""Workload evidence for tuning a ladder, from whichever source a deployment has.

Three sources, told apart by their lines: vLLM's `--cudagraph-metrics` tables in a log (exact
tokens per step, and vLLM's own padding), a Prometheus scrape with the histogram
`vllm:iteration_tokens_total` (tokens per engine step, in 13 coarse buckets), or a CSV of batch
sizes (one per line, or `size,count`). vLLM's tables stay rows (they know each step's mode); the
other two become {tokens: steps}, which is all a ladder needs.
upstream: vllm/v1/metrics/loggers.py:711-716 (the histogram and its buckets; 0.22.1).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from mini_vllm.deployment.facts import StatsRow
from mini_vllm.deployment.graph_stats import summed_rows

_SETTINGS_MODE = re.compile(r"- Mode: (?P<mode>[A-Z_]+)\s*$")
_SETTINGS_SIZES = re.compile(r"- Capture sizes: \[(?P<sizes>[\d, ]*)\]\s*$")
_BUCKET = re.compile(r'^vllm:iteration_tokens_total_bucket\{(?P<labels>[^}]*)\}\s+(?P<count>[0-9.e+]+)\s*$')
_LE = re.compile(r'le="(?P<le>[^"]+)"')
_CSV = re.compile(r"^\s*(?P<size>\d+)\s*(?:[,;\t ]\s*(?P<count>\d+)\s*)?$")


@dataclass
class Evidence:
    """Steps seen: vLLM's rows (metrics), or {tokens: steps} where the source has no modes."""

    source: str                     # "metrics", "prometheus" or "csv"
    rows: list[StatsRow] = field(default_factory=list)
    traffic: dict[int, float] = field(default_factory=dict)
    cudagraph_mode: str | None = None
    capture_sizes: list[int] | None = None
    notes: list[str] = field(default_factory=list)


def read_evidence(lines: Iterable[str]) -> Evidence:
    """Read one source of evidence; ValueError naming what was expected if none is found."""
    tables: list[str] = []
    buckets: dict[str, Counter[float]] = {}
    csv: Counter[int] = Counter()
    mode = sizes = None
    other = 0
    for line in lines:
        if "|" in line:
            tables.append(line)
        elif (size := line.strip()).isdigit():  # the common CSV line, without a regex
            csv[int(size)] += 1
        elif "- Mode: " in line and (m := _SETTINGS_MODE.search(line)) is not None:
            mode = m["mode"]
        elif "- Capture sizes: [" in line and (m := _SETTINGS_SIZES.search(line)) is not None:
            sizes = [int(x) for x in m["sizes"].replace(" ", "").split(",") if x]
        elif line.startswith("vllm:iteration_tokens_total_bucket") and (m := _BUCKET.match(line)):
            le = _LE.search(m["labels"])
            series = _LE.sub("", m["labels"])
            if le:
                edge = float("inf") if le["le"] == "+Inf" else float(le["le"])
                buckets.setdefault(series, Counter())[edge] += float(m["count"])
        elif (m := _CSV.match(line)) is not None:
            csv[int(m["size"])] += int(m["count"] or 1)
        elif line.strip():
            other += 1
    rows = summed_rows(tables)
    if rows:
        return Evidence("metrics", rows, cudagraph_mode=mode, capture_sizes=sizes)
    if buckets:
        return _from_histogram(buckets)
    if csv and other <= 1:  # a header line is allowed
        return Evidence("csv", traffic={s: n for s, n in sorted(csv.items()) if s > 0})
    raise ValueError("no workload evidence found: expected --cudagraph-metrics tables from a vLLM log, "
                     "a Prometheus scrape with vllm:iteration_tokens_total, or a CSV of batch sizes")


def _from_histogram(series: dict[str, Counter[float]]) -> Evidence:
    """Cumulative bucket counts, summed over engines, spread evenly over each bucket's sizes.

    The histogram cannot say where in (lower, upper] a step fell; spreading it evenly is an
    assumption, stated in the notes, and every padding figure built on it is an estimate.
    """
    total: Counter[float] = Counter()
    for counts in series.values():
        total.update(counts)
    traffic: dict[int, float] = {}
    lower, below, above = 0, 0.0, 0.0
    for edge in sorted(total):
        steps, below = total[edge] - below, total[edge]
        if edge == float("inf"):
            above = steps
            continue
        upper = int(edge)
        for size in range(lower + 1, upper + 1):
            if steps > 0:
                traffic[size] = steps / (upper - lower)
        lower = upper
    notes = ["a Prometheus histogram has 13 buckets (1, 8, 16, ..., 16384 tokens) and cannot say where "
             "in a bucket a step fell: its steps are spread evenly over the bucket's sizes, so every "
             "padded-token figure is an estimate under that assumption; --cudagraph-metrics tables are exact"]
    if above:
        notes.append(f"{above:g} step(s) above 16384 tokens (the +Inf bucket) run eagerly on any ladder")
    return Evidence("prometheus", traffic=traffic, notes=notes)
