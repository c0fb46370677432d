"""The facts a vLLM start-up log states, as types: what lab-07's decoder returns.

Provided to lab-07 (the types are the contract, not the answer). A field is None when the log
does not say it, never a guess: a truncated log, or a version that prints less, leaves gaps
that a reader must be able to tell from a zero.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field


@dataclass(frozen=True)
class CapturePass:
    """One "Capturing CUDA graphs (...)" bar: its label, its mode, how far it got."""

    label: str   # inside the parentheses: "mixed prefill-decode, PIECEWISE" (V1) or "FULL" (V2)
    mode: str    # the runtime mode it captures: "PIECEWISE" or "FULL"
    done: int    # graphs captured at the bar's last update in the log
    total: int   # graphs the pass set out to capture

    @property
    def finished(self) -> bool:
        return self.done == self.total


@dataclass(frozen=True)
class StatsRow:
    """One row of a `--cudagraph-metrics` table, summed over the intervals that logged it."""

    unpadded: int  # tokens the step scheduled
    padded: int    # tokens the step computed (its rung, or itself when eager)
    mode: str      # runtime mode: "FULL", "PIECEWISE" or "NONE"
    count: int     # steps of this shape


@dataclass
class LogFacts:
    """What one vLLM start-up log says about its graphs and compilation."""

    vllm_version: str | None = None
    runner: str = "v1"                         # "v2" once "Using V2 Model Runner" is logged
    enforce_eager: bool | None = None
    compilation_mode: str | None = None        # CompilationMode name, e.g. "VLLM_COMPILE"
    cudagraph_mode: str | None = None          # the mode the engine runs (config line)
    requested_cudagraph_mode: str | None = None  # what was asked for, when a guard changed it
    capture_sizes: list[int] | None = None
    max_capture_size: int | None = None
    max_num_batched_tokens: int | None = None
    passes: list[CapturePass] = field(default_factory=list)
    capture_seconds: float | None = None       # "Graph capturing finished in N secs"
    capture_gib: float | None = None           # "..., took X GiB"
    compile_seconds: float | None = None       # "torch.compile took X s in total"
    compile_cache: str | None = None           # "hit" or "miss"
    warnings: list[str] = field(default_factory=list)
    ready: bool = False                        # "init engine (...) took N s": start-up completed

    @property
    def graphs_captured(self) -> int:
        return sum(p.done for p in self.passes)

    def as_dict(self) -> dict:
        data = dataclasses.asdict(self)
        data["graphs_captured"] = self.graphs_captured
        for p, raw in zip(self.passes, data["passes"]):
            raw["finished"] = p.finished
        return data
