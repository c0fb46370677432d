"""Decode a vLLM start-up log into LogFacts, one process at a time, in one pass.

A vLLM log interleaves processes: the front end prints unprefixed lines, the engine core and
its workers prefix each line with "(EngineCore pid=N) " or "(Worker_TP1 pid=N) ". A tqdm bar
redraws itself after carriage returns, so one physical line holds every update of a capture
pass and only the last one says how far it got. Each logger line reads
"LEVEL MM-DD HH:MM:SS [file.py:line] message".
upstream: vllm/logger.py:56-57 (format), vllm/utils/system_utils.py (the process prefix),
vllm/v1/worker/gpu_model_runner.py:6515-6522 (the V1 bars; 0.22.1).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from mini_vllm.deployment.facts import CapturePass, LogFacts

_PREFIX = re.compile(r"^\((?P<process>[A-Za-z][\w.-]*(?: pid=\d+)?)\) ")
_RECORD = re.compile(r"^(?P<level>DEBUG|INFO|WARNING|ERROR|CRITICAL) \d\d-\d\d \d\d:\d\d:\d\d "
                     r"\[(?P<source>[^\]]+)\] (?P<message>.*)$")
_BAR = re.compile(r"Capturing CUDA graphs \((?P<label>[^)]*)\):\s*\d+%\|[^|]*\|\s*(?P<done>\d+)/(?P<total>\d+)")
_ENUM = r"<?(?:\w+\.)?(?P<{}>[A-Z][A-Z_]*)(?::[^>]*>)?"

# (pattern, what it sets): the lines whose message states a fact. Searched in the message.
_FACTS = [
    (re.compile(r"Initializing a V1 LLM engine \(v(?P<vllm_version>[^)]+)\) with config"), None),
    (re.compile(r"\benforce_eager=(?P<enforce_eager>True|False)\b"), None),
    (re.compile(r"'mode': " + _ENUM.format("compilation_mode")), None),
    (re.compile(r"'cudagraph_mode': " + _ENUM.format("cudagraph_mode")), None),
    (re.compile(r"'cudagraph_capture_sizes': \[(?P<capture_sizes>[\d, ]*)\]"), None),
    (re.compile(r"'max_cudagraph_capture_size': (?P<max_capture_size>\d+)"), None),
    (re.compile(r"max_num_batched_tokens=(?P<max_num_batched_tokens>\d+)"), None),
    (re.compile(r"Graph capturing finished in (?P<capture_seconds>[\d.]+) secs, took (?P<capture_gib>[\d.]+) GiB"), None),
    (re.compile(r"torch\.compile took (?P<compile_seconds>[\d.]+) s in total"), None),
    (re.compile(r"Cudagraph mode (?P<requested_cudagraph_mode>[A-Z_]+) is not compatible"), None),
]
_CACHE_HIT = re.compile(r"Directly load the compiled graph\(s\)")
_CACHE_MISS = re.compile(r"Compiling a graph for")
_V2 = "Using V2 Model Runner"


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
    """(process, segment) for every carriage-return segment of every line, prefix stripped.

    The process is the prefix's name ("EngineCore pid=1191"), or "main" for an unprefixed
    line; a segment after a carriage return belongs to the process that began the line.
    """
    for line in lines:
        line = line.rstrip("\n")
        match = _PREFIX.match(line)
        process = match["process"] if match else "main"
        for segment in (line[match.end():] if match else line).split("\r"):
            if segment:
                yield process, _PREFIX.sub("", segment, count=1)


class LogReader:
    """Folds a log's lines into LogFacts per process; memory bounded by what the log states."""

    def __init__(self) -> None:
        self.facts: dict[str, LogFacts] = {}

    def feed(self, process: str, segment: str) -> None:
        facts = self.facts.setdefault(process, LogFacts())
        bar = _BAR.search(segment)
        if bar:
            self._bar(facts, bar["label"], int(bar["done"]), int(bar["total"]))
            return
        record = _RECORD.match(segment)
        message = record["message"] if record else segment
        for pattern, _ in _FACTS:
            for match in pattern.finditer(message):
                for name, text in match.groupdict().items():
                    if text is not None:
                        setattr(facts, name, _convert(name, text))
        if _V2 in message:
            facts.runner = "v2"
        if _CACHE_HIT.search(message):
            facts.compile_cache = "hit"
        elif _CACHE_MISS.search(message) and facts.compile_cache is None:
            facts.compile_cache = "miss"
        if record and record["level"] in ("WARNING", "ERROR") and message not in facts.warnings:
            facts.warnings.append(message)

    @staticmethod
    def _bar(facts: LogFacts, label: str, done: int, total: int) -> None:
        mode = label.rsplit(",", 1)[-1].strip()
        last = facts.passes[-1] if facts.passes else None
        if last and last.label == label and last.total == total and not last.finished and done >= last.done:
            facts.passes[-1] = CapturePass(label, mode, done, total)
        else:
            facts.passes.append(CapturePass(label, mode, done, total))


def read_log(lines: Iterable[str]) -> dict[str, LogFacts]:
    """LogFacts per process, in the order the processes first spoke."""
    reader = LogReader()
    for process, segment in records(lines):
        reader.feed(process, segment)
    return reader.facts


def merged(per_process: dict[str, LogFacts]) -> LogFacts:
    """One deployment's facts: each field from the first process that states it."""
    out = LogFacts()
    for facts in per_process.values():
        for name, value in vars(facts).items():
            if value not in (None, [], "v1") and getattr(out, name) in (None, [], "v1"):
                setattr(out, name, value)
    return out


def parse_log(text: str) -> LogFacts:
    """What a whole vLLM start-up log says: lab-07's decoder."""
    if not isinstance(text, str):
        raise TypeError(f"text must be a str (the log's contents), got {type(text).__name__}")
    return merged(read_log(text.split("\n")))
