"""Lab 07, solved from the README and starter.py alone (never from mini_vllm's reference).

An instructor-check witness: a correct implementation written the way a student would, so the
tests are shown to accept a design other than the reference's. Grade it with
LAB_IMPL=phase-05-cuda-graphs-and-torch-compile/labs/lab-07-read-a-deployment/independent/from_readme.py
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator, Sequence

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

# ---------------------------------------------------------------------------------------------
# §1: the stream. A piece is (owner, text): owner "" is the unprefixed front end.

_PREFIX = r"\((?P<proc>[A-Za-z_][\w.-]*) pid=(?P<pid>\d+)\) "
_HEADER = r"(?:DEBUG|INFO|WARNING|ERROR|CRITICAL) \d\d-\d\d \d\d:\d\d:\d\d \["
_BOUNDARY = re.compile(rf"{_PREFIX}|(?={_HEADER})")
_RECORD = re.compile(
    r"(?P<level>DEBUG|INFO|WARNING|ERROR|CRITICAL) \d\d-\d\d \d\d:\d\d:\d\d "
    r"\[(?P<src>[^\]\s]+)\] ?(?P<msg>.*)",
    re.S,
)
_BAR = re.compile(
    r"\s*Capturing CUDA graphs \((?P<label>[^()]*)\):\s*\d+%\|[^|]*\|\s*(?P<done>\d+)/(?P<total>\d+)"
)


def _pieces(text: str) -> Iterator[tuple[str, str]]:
    """(owner, piece) in stream order: lines, cut at prefixes and mid-line records, then at CR."""
    for line in text.replace("\r\n", "\n").split("\n"):
        # segments: (owner, start, end) cut at every prefix and every mid-line record header
        cuts: list[tuple[int, int, str | None]] = []  # (boundary pos, content start, owner)
        prev_prefix_end = -1
        for m in _BOUNDARY.finditer(line):
            if m.group("proc") is not None:
                owner = f"{m.group('proc')} pid={m.group('pid')}"
                cuts.append((m.start(), m.end(), owner))
                prev_prefix_end = m.end()
            else:
                if m.start() == prev_prefix_end or m.start() == 0:
                    continue  # the record opens this segment already
                cuts.append((m.start(), m.start(), ""))
        segments: list[tuple[str, str]] = []
        first_end = cuts[0][0] if cuts else len(line)
        segments.append(("", line[:first_end]))
        for i, (_, content_start, owner) in enumerate(cuts):
            end = cuts[i + 1][0] if i + 1 < len(cuts) else len(line)
            segments.append((owner or "", line[content_start:end]))
        for owner, seg in segments:
            for part in seg.split("\r"):
                yield owner, part


def _check_text(text: object) -> None:
    if not isinstance(text, str):
        raise TypeError(f"text must be a str (the whole log), not {type(text).__name__}")


class _Passes:
    """The capture passes, by §4's continuation rule, each tagged with the event index it began."""

    def __init__(self) -> None:
        self.passes: list[list] = []  # [label, mode, done, total, owner, start_event]
        self.latest: dict[str, int] = {}

    def draw(self, owner: str, label: str, done: int, total: int, event: int) -> None:
        idx = self.latest.get(owner)
        if idx is not None:
            p = self.passes[idx]
            if p[0] == label and p[3] == total and done >= p[2]:
                p[2] = done
                return
        mode = label.split(",")[-1].strip()
        self.passes.append([label, mode, done, total, owner, event])
        self.latest[owner] = len(self.passes) - 1

    def result(self) -> list[CapturePass]:
        return [CapturePass(p[0], p[1], p[2], p[3]) for p in self.passes]


def _events(text: str) -> Iterator[tuple[str, str, object]]:
    """('bar', owner, (label, done, total)) or ('rec', owner, (level, message))."""
    for owner, piece in _pieces(text):
        rec = _RECORD.match(piece)
        if rec:
            yield "rec", owner, (rec.group("level"), rec.group("msg"))
            continue
        bar = _BAR.match(piece)
        if bar:
            yield "bar", owner, (bar.group("label").strip(), int(bar.group("done")),
                                 int(bar.group("total")))


# ---------------------------------------------------------------------------------------------
# §2-§5

_SCALARS: list[tuple[str, re.Pattern[str], object]] = [
    ("vllm_version", re.compile(r"Initializing a V1 LLM engine \(v([^)\s]+)\)"), str),
    ("enforce_eager", re.compile(r"\benforce_eager=(True|False)\b"), lambda s: s == "True"),
    ("compilation_mode", re.compile(r"'mode': <CompilationMode\.(\w+):"), str),
    ("cudagraph_mode", re.compile(r"'cudagraph_mode': <CUDAGraphMode\.(\w+):"), str),
    ("capture_sizes", re.compile(r"'cudagraph_capture_sizes': \[([\d,\s]*)\]"),
     lambda s: [int(x) for x in s.replace(",", " ").split()]),
    ("max_capture_size", re.compile(r"'max_cudagraph_capture_size': (\d+)"), int),
    ("max_num_batched_tokens",
     re.compile(r"Chunked prefill is enabled with max_num_batched_tokens=(\d+)"), int),
    ("requested_cudagraph_mode",
     re.compile(r"Cudagraph mode (\w+) is not compatible with compilation mode"), str),
    ("compile_seconds", re.compile(r"torch\.compile took (\d+(?:\.\d+)?) s in total"), float),
]
_CAPTURED = re.compile(r"Graph capturing finished in (\d+(?:\.\d+)?) secs?, took (\d+(?:\.\d+)?) GiB")
_READY = "init engine (profile, create kv cache, warmup model) took"
_CACHE_HIT = "Directly load the compiled graph(s) for compile range"
_CACHE_MISS = "Compiling a graph for compile range"
_V2 = "Using V2 Model Runner"


def parse_log(text: str) -> LogFacts:
    """What a whole vLLM start-up log says about its graphs and compilation.

    ``text`` is the log exactly as vLLM wrote it (every process's lines, carriage returns
    included). A field the log does not state stays at its default. A non-str ``text`` is a
    TypeError naming ``text``.
    """
    _check_text(text)
    facts = LogFacts()
    passes = _Passes()
    hit = miss = False
    seen_warnings: dict[str, None] = {}
    for n, (kind, owner, data) in enumerate(_events(text)):
        if kind == "bar":
            label, done, total = data
            passes.draw(owner, label, done, total, n)
            continue
        level, msg = data
        if level in ("WARNING", "ERROR", "CRITICAL"):
            seen_warnings.setdefault(msg, None)
        for name, rx, conv in _SCALARS:
            found = rx.findall(msg)
            if found:
                setattr(facts, name, conv(found[-1]))
        m = _CAPTURED.search(msg)
        if m:
            facts.capture_seconds = float(m.group(1))
            facts.capture_gib = float(m.group(2))
        if _V2 in msg:
            facts.runner = "v2"
        if _READY in msg:
            facts.ready = True
        if _CACHE_HIT in msg:
            hit = True
        if _CACHE_MISS in msg:
            miss = True
    facts.passes = passes.result()
    facts.compile_cache = "hit" if hit else ("miss" if miss else None)
    facts.warnings = list(seen_warnings)
    return facts


# ---------------------------------------------------------------------------------------------
# §6

_ROW = re.compile(r"\|\s*(\d+)\s*\|\s*(\d+)\s*\|\s*(\d+)\s*\|\s*([A-Z_]+)\s*\|\s*(\d+)\s*\|\s*$")
_REPLAYED = ("FULL", "PIECEWISE")


def graph_stats(text: str) -> list[StatsRow]:
    """Every ``--cudagraph-metrics`` table in a log, summed over the intervals that logged it.

    One row per (unpadded, padded, mode), sorted by unpadded, then padded, then mode. A non-str
    ``text`` is a TypeError naming ``text``.
    """
    _check_text(text)
    totals: dict[tuple[int, int, str], int] = defaultdict(int)
    for kind, _owner, data in _events(text):
        if kind != "rec":
            continue
        m = _ROW.match(data[1])
        if m:
            totals[(int(m.group(1)), int(m.group(2)), m.group(4))] += int(m.group(5))
    return [StatsRow(u, p, mode, c) for (u, p, mode), c in sorted(totals.items())]


def _check_rows(rows: object) -> None:
    if not isinstance(rows, (list, tuple)) or not all(isinstance(r, StatsRow) for r in rows):
        raise TypeError("rows must be a list or tuple of StatsRow")


def _check_ladder(ladder: object) -> list[int]:
    if isinstance(ladder, (str, bytes)) or not isinstance(ladder, Sequence):
        raise TypeError(f"ladder must be a sequence of ints, not {type(ladder).__name__}")
    rungs = list(ladder)
    if any(isinstance(r, bool) or not isinstance(r, int) for r in rungs):
        raise TypeError("ladder must hold ints only")
    if not rungs:
        raise ValueError("ladder must not be empty")
    if rungs[0] < 1:
        raise ValueError("ladder rungs must be >= 1")
    if any(b <= a for a, b in zip(rungs, rungs[1:])):
        raise ValueError("ladder must be strictly increasing")
    return rungs


def graph_traffic(rows: Sequence[StatsRow]) -> dict[int, int]:
    """{tokens: steps} for the steps a capture ladder shapes. See README §6 for which."""
    _check_rows(rows)
    traffic: dict[int, int] = defaultdict(int)
    for r in rows:
        if r.mode in _REPLAYED:
            traffic[r.unpadded] += r.count
    return dict(sorted(traffic.items()))


def padded_tokens(rows: Sequence[StatsRow], ladder: Sequence[int]) -> int:
    """Tokens of padding the steps in ``rows`` would compute if replayed on ``ladder``."""
    _check_rows(rows)
    rungs = _check_ladder(ladder)
    total = 0
    for tokens, steps in graph_traffic(rows).items():
        rung = next((r for r in rungs if r >= tokens), None)
        if rung is not None:
            total += (rung - tokens) * steps
    return total


# ---------------------------------------------------------------------------------------------
# §7


def graphs_held(text: str) -> int | None:
    """CUDA graphs the engine holds for serving once start-up completes; None if it never did."""
    _check_text(text)
    passes = _Passes()
    window_start = 0                      # event index after the previous engine's ready line
    last_finish: dict[str, int] = {}      # process -> event index of its latest finish line
    held_now: int | None = None           # graphs of the latest finish line's round
    answer: int | None = None
    for n, (kind, owner, data) in enumerate(_events(text)):
        if kind == "bar":
            label, done, total = data
            passes.draw(owner, label, done, total, n)
            continue
        msg = data[1]
        if _CAPTURED.search(msg):
            since = max(window_start, last_finish.get(owner, -1))
            held_now = sum(p[2] for p in passes.passes if since <= p[5] < n)
            last_finish[owner] = n
        if _READY in msg:
            answer = held_now if held_now is not None else 0
            held_now = None
            last_finish.clear()
            window_start = n
    return answer
