"""Lab 01, solved from the README and starter.py alone (never from mini_vllm).

An instructor-check witness: a correct implementation written the way a student would, so the
tests are shown to accept a design other than the reference's. Grade it with
LAB_IMPL=phase-05-cuda-graphs-and-torch-compile/labs/lab-01-graph-replay-simulator/independent/from_readme.py
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

Op = Callable[[np.ndarray], np.ndarray]

__all__ = ["GraphEntry", "GraphRunner", "PiecewiseGraphRunner", "eager", "piecewise_launches"]


def eager(ops: Sequence[Op], x: np.ndarray) -> np.ndarray:
    """The reference: apply the ops in order, one launch each (len(ops) launches)."""
    out = _as_batch(x)
    for op in _op_list(ops):
        out = op(out)
    return out


def _as_batch(x: object) -> np.ndarray:
    if not isinstance(x, np.ndarray):
        raise TypeError(f"x must be a numpy array, not {type(x).__name__}")
    if x.ndim < 1 or len(x) < 1:
        raise ValueError(f"x needs at least one row on axis 0; shape {x.shape}")
    return x


def _op_list(ops: Sequence[Op]) -> list[Op]:
    ops = list(ops)
    if len(ops) == 0:
        raise ValueError("ops is empty")
    if not all(callable(op) for op in ops):
        raise TypeError("every op must be callable")
    return ops


def _rung(batch: int, ladder: list[int] | None) -> int | None:
    if ladder is None:
        return batch
    return next((size for size in ladder if size >= batch), None)


def _ladder(sizes: Sequence[int] | None) -> list[int] | None:
    if sizes is None:
        return None
    if isinstance(sizes, str) or not isinstance(sizes, Sequence):
        raise TypeError(f"capture_sizes must be a sequence of ints, not {type(sizes).__name__}")
    sizes = list(sizes)
    if any(isinstance(s, bool) or not isinstance(s, int) for s in sizes):
        raise TypeError(f"capture_sizes must hold ints only, got {sizes}")
    if not sizes or min(sizes) < 1:
        raise ValueError("capture_sizes must be non-empty ints >= 1")
    if sorted(set(sizes)) != sizes:
        raise ValueError("capture_sizes must be strictly increasing")
    return sizes


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
        self.ops = _op_list(ops)
        self.ladder = _ladder(capture_sizes)
        self.graphs: dict[tuple[int, ...], GraphEntry] = {}
        self.launches = self.captures = self.replays = 0

    def __call__(self, x: np.ndarray) -> np.ndarray:
        x = _as_batch(x)
        n = len(x)
        rows = _rung(n, self.ladder)
        if rows is None:
            self.launches += len(self.ops)
            return eager(self.ops, x)
        key = (rows,) + x.shape[1:]
        entry = self.graphs.get(key)
        if entry is None:
            buf_in = np.zeros(key, dtype=x.dtype)
            buf_in[:n] = x
            out = buf_in
            for op in self.ops:
                out = op(out)
            buf_out = np.array(out, copy=True)
            ops = self.ops

            def recording() -> None:
                result = buf_in
                for op in ops:
                    result = op(result)
                buf_out[...] = result

            entry = GraphEntry(buf_in, buf_out, recording)
            self.graphs[key] = entry
            self.captures += 1
            self.launches += len(self.ops)
        else:
            if x.dtype != entry.static_input.dtype:
                raise TypeError(f"graph for {key} holds {entry.static_input.dtype}, got x of {x.dtype}")
            entry.static_input[:n] = x
            entry.static_input[n:] = 0
            entry.recording()
            self.replays += 1
            self.launches += 1
        return entry.static_output if n == rows else entry.static_output[:n]


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
        ops = _op_list(ops)
        if not callable(is_splitting_op):
            raise TypeError("is_splitting_op must be callable")
        ladder = _ladder(capture_sizes)
        self.pieces: list[tuple[str, object]] = []
        current: list[Op] = []
        for op in ops + [None]:
            if op is None or is_splitting_op(op):
                if current:
                    self.pieces.append(("graph", GraphRunner(current, ladder)))
                    current = []
                if op is not None:
                    self.pieces.append(("live", op))
            else:
                current.append(op)
        self.live_launches = 0

    @property
    def launches(self) -> int:
        return self.live_launches + sum(r.launches for r in self._runners())

    @property
    def captures(self) -> int:
        return sum(r.captures for r in self._runners())

    @property
    def replays(self) -> int:
        return sum(r.replays for r in self._runners())

    def _runners(self) -> list[GraphRunner]:
        return [piece for kind, piece in self.pieces if kind == "graph"]

    def __call__(self, x: np.ndarray) -> np.ndarray:
        x = _as_batch(x)
        for kind, piece in self.pieces:
            if kind == "live":
                self.live_launches += 1
            x = piece(x)
        return x


def piecewise_launches(
    pattern: str, batches: Sequence[int], capture_sizes: Sequence[int] | None = None
) -> int:
    """The launches a fresh PiecewiseGraphRunner reports after one call per batch, predicted.

    `pattern` is the model, one letter per op in order: "C" a capturable op, "A" an attention
    (splitting) op; every op keeps the input's shape. `capture_sizes` is the runner's ladder
    (None: each batch size is its own shape). Predicting the bill without running anything is
    the test of having understood what capture, replay and the split each cost.
    """
    if not isinstance(pattern, str):
        raise TypeError("pattern must be a str")
    if pattern == "" or pattern.strip("CA") != "":
        raise ValueError(f"pattern must be letters C and A only, got {pattern!r}")
    if isinstance(batches, str) or not isinstance(batches, Sequence):
        raise TypeError("batches must be a sequence of ints")
    if any(isinstance(b, bool) or not isinstance(b, int) for b in batches):
        raise TypeError("batches must hold ints")
    if any(b < 1 for b in batches):
        raise ValueError("batches must hold ints >= 1")
    ladder = _ladder(capture_sizes)
    pieces = len([run for run in pattern.split("A") if run]) + pattern.count("A")
    seen: set[int] = set()
    total = 0
    for b in batches:
        rows = _rung(b, ladder)
        if rows is not None and rows in seen:
            total += pieces
        else:
            total += len(pattern)
            if rows is not None:
                seen.add(rows)
    return total
