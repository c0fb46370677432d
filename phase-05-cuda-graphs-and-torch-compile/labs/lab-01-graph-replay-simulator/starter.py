"""Lab 01: build CUDA-graph capture and replay on the CPU. Your work goes here.

Fill in every body that raises NotImplementedError; README.md walks you through it.
Grade yourself: LAB_IMPL=starter pytest phase-05-cuda-graphs-and-torch-compile/labs/lab-01-graph-replay-simulator -q
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

Op = Callable[[np.ndarray], np.ndarray]

__all__ = ["GraphEntry", "GraphRunner", "PiecewiseGraphRunner", "eager", "piecewise_launches"]


def eager(ops: Sequence[Op], x: np.ndarray) -> np.ndarray:
    """The reference: apply the ops in order, one launch each (len(ops) launches)."""
    raise NotImplementedError("lab-01: eager — see README §1")


@dataclass(eq=False)
class GraphEntry:
    """One captured graph: its static buffers and the recording that replays into them.

    `recording` closes over the buffers that existed at capture time. Rebind `static_input`
    to a new array and the recording still reads the old one, computing on stale data, which
    is exactly what a real graph does with a tensor that moved.
    """

    static_input: np.ndarray
    static_output: np.ndarray
    recording: Callable[[], None]


class GraphRunner:
    """Capture once per (padded) input shape, then replay as a single launch.

    `graphs` is keyed by shape (the fixed-shape constraint); inputs are copied into the
    captured buffer (the fixed-address constraint). The returned array is the graph's static
    output buffer (or its first `batch` rows when padded): the next call overwrites it, so
    copy what you keep, as vLLM's callers do with CUDAGraphWrapper's weak-ref outputs.
    With `capture_sizes`, a batch pads up to the next rung; above the top rung it runs eagerly.
    """

    def __init__(self, ops: Sequence[Op], capture_sizes: Sequence[int] | None = None) -> None:
        # Keep the ops, a `graphs` dict (shape -> GraphEntry), and the counters
        # `launches`, `captures`, `replays`, all starting at zero.
        raise NotImplementedError("lab-01: GraphRunner.__init__ — see README §2")

    def __call__(self, x: np.ndarray) -> np.ndarray:
        # Capture on a new shape, replay on a known one, eager above the ladder: README §2-§4
        # state the rules and what each costs. Padding comes last.
        raise NotImplementedError("lab-01: GraphRunner.__call__ — see README §2-§4")


class PiecewiseGraphRunner:
    """Capture the runs of ops between splitting ops; run the splitting ops eagerly every call.

    This is PIECEWISE mode: attention (the splitting op) reads per-step metadata a frozen
    recording cannot hold, so it stays live while everything between attentions replays.
    upstream: vllm/compilation/backends.py:548 (split_graph, 0.22.1).
    """

    def __init__(
        self,
        ops: Sequence[Op],
        is_splitting_op: Callable[[Op], bool],
        capture_sizes: Sequence[int] | None = None,
    ) -> None:
        # The pieces: maximal runs of capturable ops, captured and replayed, and the splitting
        # ops between them, run eagerly (README §5).
        raise NotImplementedError("lab-01: PiecewiseGraphRunner.__init__ — see README §5")

    @property
    def launches(self) -> int:
        raise NotImplementedError("lab-01: PiecewiseGraphRunner.launches — see README §5")

    @property
    def captures(self) -> int:
        raise NotImplementedError("lab-01: PiecewiseGraphRunner.captures — see README §5")

    @property
    def replays(self) -> int:
        raise NotImplementedError("lab-01: PiecewiseGraphRunner.replays — see README §5")

    def __call__(self, x: np.ndarray) -> np.ndarray:
        raise NotImplementedError("lab-01: PiecewiseGraphRunner.__call__ — see README §5")


def piecewise_launches(
    pattern: str, batches: Sequence[int], capture_sizes: Sequence[int] | None = None
) -> int:
    """The launches a fresh PiecewiseGraphRunner reports after one call per batch, predicted.

    `pattern` is the model, one letter per op in order: "C" a capturable op, "A" an attention
    (splitting) op; every op keeps the input's shape. `capture_sizes` is the runner's ladder
    (None: each batch size is its own shape). Predicting the bill without running anything is
    the test of having understood what capture, replay and the split each cost.
    """
    raise NotImplementedError("lab-01: piecewise_launches — see README §6")
