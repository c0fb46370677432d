"""Decode a vLLM start-up log into LogFacts in one pass, holding only what the log states.

A vLLM log interleaves processes: the front end prints unprefixed lines, the engine core and
its workers prefix each line with "(EngineCore pid=N) " or "(Worker_TP1 pid=N) ". A tqdm bar
redraws itself after carriage returns, so one physical line holds every update of a capture
pass and only the last one says how far it got. Each logger line reads
"LEVEL MM-DD HH:MM:SS [file.py:line] message". A scalar fact takes the value of the last line
that states it; bars and warnings are kept in order, a bar continuing only its own process's.
upstream (0.22.1): vllm/logger.py:22-26 (format), vllm/utils/system_utils.py:201-234 (the
process prefix), vllm/v1/worker/gpu_model_runner.py:6513-6522 (the V1 bars).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from mini_vllm.deployment.facts import CapturePass, LogFacts

# Where one process's text ends and another's begins inside a physical line: a process prefix
# (written at the start of each of that process's lines), or an unprefixed record starting
# right after another process's carriage-return bar, which is the front end's.
_BOUNDARY = re.compile(r"\((?P<process>[A-Za-z][\w.-]* pid=\d+)\) "
                       r"|(?P<record>(?:DEBUG|INFO|WARNING|ERROR|CRITICAL) \d\d-\d\d \d\d:\d\d:\d\d \[)")
_COLOR = re.compile(r"\x1b\[[0-9;]*m")
_RECORD = re.compile(r"^(?P<level>DEBUG|INFO|WARNING|ERROR|CRITICAL) \d\d-\d\d \d\d:\d\d:\d\d "
                     r"\[(?P<source>[^\]]+)\] (?P<message>.*)$")
_BAR = re.compile(r"Capturing CUDA graphs \((?P<label>[^)]*)\):\s*\d+%\|[^|]*\|\s*(?P<done>\d+)/(?P<total>\d+)")
_ENUM = r"<\w+\.(?P<{}>[A-Z][A-Z_]*): [^>]*>"  # an enum's repr in the config line: <CUDAGraphMode.FULL: (2, 1)>

# The lines that state a fact, each found by a cheap substring before its regex runs (a log of
# a long-running server is mostly request and stats lines, and must stream fast).
_FACTS = [
    ("Initializing a V1 LLM engine", re.compile(r"Initializing a V1 LLM engine \(v(?P<vllm_version>[^)]+)\)")),
    ("enforce_eager=", re.compile(r"\benforce_eager=(?P<enforce_eager>True|False)\b")),
    ("'mode': ", re.compile(r"'mode': " + _ENUM.format("compilation_mode"))),
    ("'cudagraph_mode': ", re.compile(r"'cudagraph_mode': " + _ENUM.format("cudagraph_mode"))),
    ("'cudagraph_capture_sizes': ", re.compile(r"'cudagraph_capture_sizes': \[(?P<capture_sizes>[\d, ]*)\]")),
    ("'max_cudagraph_capture_size': ", re.compile(r"'max_cudagraph_capture_size': (?P<max_capture_size>\d+)")),
    ("max_num_batched_tokens=", re.compile(r"Chunked prefill is enabled with max_num_batched_tokens=(?P<max_num_batched_tokens>\d+)")),
    ("Graph capturing finished", re.compile(r"Graph capturing finished in (?P<capture_seconds>[\d.]+) secs, "
                                            r"took (?P<capture_gib>-?[\d.]+) GiB")),
    ("torch.compile took", re.compile(r"torch\.compile took (?P<compile_seconds>[\d.]+) s in total")),
    ("is not compatible with compilation mode", re.compile(r"Cudagraph mode (?P<requested_cudagraph_mode>[A-Z_]+) is not compatible")),
]
_KEYS = tuple(key for key, _ in _FACTS)
_CACHE_HIT = "Directly load the compiled graph(s)"
_CACHE_MISS = "Compiling a graph for"
_V2 = "Using V2 Model Runner"
_READY = "init engine (profile, create kv cache, warmup model) took"
_CAPTURE_DONE = "Graph capturing finished"


def _convert(name: str, text: str) -> object:
    if name == "enforce_eager":
        return text == "True"
    if name == "capture_sizes":
        return [int(x) for x in text.replace(" ", "").split(",") if x]
    if name in ("max_capture_size", "max_num_batched_tokens"):
        return int(text)
    if name in ("capture_seconds", "capture_gib", "compile_seconds"):
        return float(text)
    return text


def records(lines: Iterable[str]) -> Iterator[tuple[str, str]]:
    """(process, segment) for every carriage-return segment of every line, prefixes stripped.

    The process is the prefix's name ("EngineCore pid=1191"), or "main" for unprefixed text. A
    segment after a carriage return belongs to the process that began the line, until another
    prefix or an unprefixed record interrupts it. Terminal colours (a log copied from a TTY)
    are dropped.
    """
    for line in lines:
        if "\x1b" in line:
            line = _COLOR.sub("", line)
        line = line.rstrip("\n")
        for process, text in _owners(line):
            for segment in text.split("\r"):
                if segment:
                    yield process, segment


def _owners(line: str) -> Iterator[tuple[str, str]]:
    """A physical line cut where its owner changes: [(process, text), ...]."""
    owner, start = "main", 0
    for match in _BOUNDARY.finditer(line):
        if match["process"]:
            if match.start() > start:
                yield owner, line[start:match.start()]
            owner, start = match["process"], match.end()
        elif match.start() > start and line[match.start() - 1] != "\r":  # a record after a bar
            yield owner, line[start:match.start()]
            owner, start = "main", match.start()
    yield owner, line[start:]


class LogReader:
    """Folds (process, segment) records into the log's LogFacts, noting which process said what."""

    def __init__(self) -> None:
        self.facts = LogFacts()
        self.said: dict[str, list[str]] = {}  # per process: the fields its lines stated, in order
        self.held: dict[str, int] = {}        # per process: graphs of its last closed round
        self.last_closer: str | None = None   # the process that closed a round last
        self._open: dict[str, int] = {}       # per process: index of its bar still drawing
        self._round: dict[str, list[int]] = {}  # per process: its bars since it last closed a round

    def feed(self, process: str, segment: str) -> None:
        facts = self.facts
        if "Capturing CUDA graphs" in segment and (bar := _BAR.search(segment)):
            mode = bar["label"].rsplit(",", 1)[-1].strip()
            self._bar(process, CapturePass(bar["label"], mode, int(bar["done"]), int(bar["total"])))
            return
        record = _RECORD.match(segment)
        message = record["message"] if record else segment
        stated = []
        for key, pattern in _FACTS:
            if key in message:
                for match in pattern.finditer(message):
                    for name, text in match.groupdict().items():
                        setattr(facts, name, _convert(name, text))
                        stated.append(name)
        if _V2 in message:
            facts.runner = "v2"
            stated.append("runner")
        if _READY in message:
            facts.ready = True
            stated.append("ready")
        if _CACHE_HIT in message:
            facts.compile_cache = "hit"
            stated.append("compile_cache")
        elif _CACHE_MISS in message and facts.compile_cache is None:
            facts.compile_cache = "miss"
            stated.append("compile_cache")
        if _CAPTURE_DONE in message:  # closes a round of bars; an earlier round was a profile run
            # Unprefixed bars count as this process's: 0.33.0 prefixes log records, not raw stderr.
            bars = self._round.pop(process, []) + (self._round.pop("main", []) if process != "main" else [])
            self.held[process] = sum(facts.passes[i].done for i in bars)
            self.last_closer = process
        if record and record["level"] in ("WARNING", "ERROR", "CRITICAL") and message not in facts.warnings:
            facts.warnings.append(message)
            stated.append("warnings")
        self._note(process, stated)

    def _bar(self, process: str, update: CapturePass) -> None:
        """An update continues its process's last bar if label and total match and the count does
        not fall; anything else (another label, a restart at 0/n) opens a new pass."""
        passes, i = self.facts.passes, self._open.get(process)
        last = passes[i] if i is not None else None
        if last and last.label == update.label and last.total == update.total and update.done >= last.done:
            passes[i] = update  # tqdm redraws, and draws a finished bar once more on close
            return
        i = self._open[process] = len(passes)
        self._round.setdefault(process, []).append(i)
        passes.append(update)
        self._note(process, ["passes"])

    def _note(self, process: str, stated: list[str]) -> None:
        said = self.said.setdefault(process, [])
        said += [name for name in stated if name not in said]


# A line that holds none of these states no fact: one C-level search skips it, which is most of
# a server's log (stats tables, throughput lines), so a 100 MB log streams in seconds.
_RELEVANT = re.compile("|".join(map(re.escape, [
    *_KEYS, "Capturing CUDA graphs", _V2, _READY, _CACHE_HIT, _CACHE_MISS, "WARNING", "ERROR", "CRITICAL"])))


def read(lines: Iterable[str]) -> LogReader:
    """One pass over a log's lines (a file object streams)."""
    reader = LogReader()
    search = _RELEVANT.search
    for process, segment in records(line for line in lines if search(line)):
        reader.feed(process, segment)
    return reader


def _text(text: str) -> list[str]:
    if not isinstance(text, str):
        raise TypeError(f"text must be a str (the log's contents), got {type(text).__name__}")
    return text.split("\n")


def parse_log(text: str) -> LogFacts:
    """What a whole vLLM start-up log says about its graphs and compilation.

    ``text`` is the log exactly as vLLM wrote it (every process's lines, carriage returns
    included). A field the log does not state stays at its default. A non-str ``text`` is a
    TypeError naming ``text``.
    """
    return read(_text(text)).facts


def graphs_held(text: str) -> int | None:
    """CUDA graphs the engine holds for serving once start-up completes; None if it never did."""
    # A process may capture more than one round (0.33.0's V2 runner captures a profiling round
    # into a throwaway pool first); only the round closed by its last "Graph capturing finished"
    # line is kept. Only the first rank draws bars (gpu_model_runner.py:6513-6514, 0.22.1), and
    # every rank captures the same graphs: the count is per GPU worker, the bar-drawing one's. A
    # log of several engines (ab-wide.log) answers for the one that closed a round last.
    reader = read(_text(text))
    if not reader.facts.ready:
        return None
    return reader.held.get(reader.last_closer, 0)
