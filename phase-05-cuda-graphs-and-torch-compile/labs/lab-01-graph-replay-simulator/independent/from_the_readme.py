"""Lab 01, written from README.md and starter.py alone (never from the reference).

The instructor check grades this file and requires every test to pass: a test that fails a
correct student file is a bug in the test, and this file is how we find it first.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

Op = Callable[[np.ndarray], np.ndarray]

__all__ = ["GraphEntry", "GraphRunner", "PiecewiseGraphRunner", "eager", "piecewise_launches"]


def _check_input(x: np.ndarray) -> None:
    if not isinstance(x, np.ndarray):
        raise TypeError(f"x must be a numpy array, got {type(x).__name__}")
    if x.ndim == 0 or x.shape[0] == 0:
        raise ValueError(f"x needs a batch dimension with rows, got shape {x.shape}")


def _check_ops(ops: Sequence[Op]) -> list[Op]:
    ops = list(ops)
    if not ops:
        raise ValueError("ops must not be empty")
    if not all(callable(op) for op in ops):
        raise TypeError("every op must be callable")
    return ops


def _check_ladder(capture_sizes: Sequence[int] | None) -> list[int] | None:
    if capture_sizes is None:
        return None
    if isinstance(capture_sizes, (str, bytes)) or not isinstance(capture_sizes, Sequence) or any(
            isinstance(s, bool) or not isinstance(s, int) for s in capture_sizes):
        raise TypeError(f"capture_sizes must be a sequence of ints, got {capture_sizes!r}")
    sizes = list(capture_sizes)
    if not sizes or sizes[0] < 1 or any(a >= b for a, b in zip(sizes, sizes[1:])):
        raise ValueError(f"capture_sizes must be a non-empty, strictly increasing list of ints >= 1, got {sizes}")
    return sizes


def _rung(ladder: list[int] | None, rows: int) -> int | None:
    """The padded batch for `rows`: itself without a ladder, None above the top rung."""
    if ladder is None:
        return rows
    return next((size for size in ladder if size >= rows), None)


def _apply(ops: Sequence[Op], x: np.ndarray) -> np.ndarray:
    for op in ops:
        x = op(x)
    return x


def eager(ops: Sequence[Op], x: np.ndarray) -> np.ndarray:
    """The reference: apply the ops in order, one launch each (len(ops) launches)."""
    _check_input(x)
    return _apply(_check_ops(ops), x)


@dataclass(eq=False)
class GraphEntry:
    """One captured graph: its static buffers and the recording that replays into them."""

    static_input: np.ndarray
    static_output: np.ndarray
    recording: Callable[[], None]


def _record(ops: Sequence[Op], x: np.ndarray) -> GraphEntry:
    buffer = np.empty_like(x)
    np.copyto(buffer, x)
    entry = GraphEntry(buffer, _apply(ops, buffer).copy(), lambda: None)

    def replay() -> None:
        np.copyto(entry.static_output, _apply(ops, buffer))

    entry.recording = replay
    return entry


class GraphRunner:
    """Capture once per (padded) input shape, then replay as a single launch."""

    def __init__(self, ops: Sequence[Op], capture_sizes: Sequence[int] | None = None) -> None:
        self.ops = _check_ops(ops)
        self.capture_sizes = _check_ladder(capture_sizes)
        self.graphs: dict[tuple[int, ...], GraphEntry] = {}
        self.launches = 0
        self.captures = 0
        self.replays = 0

    def __call__(self, x: np.ndarray) -> np.ndarray:
        _check_input(x)
        rows = x.shape[0]
        if self.capture_sizes is not None:
            rung = _rung(self.capture_sizes, rows)
            if rung is None:
                self.launches += len(self.ops)
                return _apply(self.ops, x)
            padded = np.zeros((rung, *x.shape[1:]), dtype=x.dtype)
            padded[:rows] = x
            x = padded
        entry = self.graphs.get(x.shape)
        if entry is None:
            self.graphs[x.shape] = entry = _record(self.ops, x)
            self.launches += len(self.ops)
            self.captures += 1
        else:
            if x.dtype != entry.static_input.dtype:
                raise TypeError(f"x has dtype {x.dtype}; the graph for {x.shape} was captured with {entry.static_input.dtype}")
            np.copyto(entry.static_input, x)
            entry.recording()
            self.launches += 1
            self.replays += 1
        return entry.static_output if entry.static_output.shape[0] == rows else entry.static_output[:rows]


class PiecewiseGraphRunner:
    """Capture the runs of ops between splitting ops; run the splitting ops eagerly every call."""

    def __init__(
        self,
        ops: Sequence[Op],
        is_splitting_op: Callable[[Op], bool],
        capture_sizes: Sequence[int] | None = None,
    ) -> None:
        if not callable(is_splitting_op):
            raise TypeError("is_splitting_op must be callable")
        self.pieces: list[GraphRunner | Op] = []
        run: list[Op] = []
        for op in _check_ops(ops):
            if is_splitting_op(op):
                if run:
                    self.pieces.append(GraphRunner(run, capture_sizes))
                    run = []
                self.pieces.append(op)
            else:
                run.append(op)
        if run:
            self.pieces.append(GraphRunner(run, capture_sizes))
        self.runners = [p for p in self.pieces if isinstance(p, GraphRunner)]
        self.eager_launches = 0

    @property
    def launches(self) -> int:
        return self.eager_launches + sum(r.launches for r in self.runners)

    @property
    def captures(self) -> int:
        return sum(r.captures for r in self.runners)

    @property
    def replays(self) -> int:
        return sum(r.replays for r in self.runners)

    def __call__(self, x: np.ndarray) -> np.ndarray:
        _check_input(x)
        for piece in self.pieces:
            if isinstance(piece, GraphRunner):
                x = piece(x)
            else:
                x = piece(x)
                self.eager_launches += 1
        return x


def piecewise_launches(
    pattern: str, batches: Sequence[int], capture_sizes: Sequence[int] | None = None
) -> int:
    """The launches a fresh PiecewiseGraphRunner reports after one call per batch, predicted."""
    if not isinstance(pattern, str):
        raise TypeError(f"pattern must be a str, got {type(pattern).__name__}")
    if not pattern or set(pattern) - {"C", "A"}:
        raise ValueError(f"pattern must be a non-empty string of 'C' and 'A', got {pattern!r}")
    if isinstance(batches, str) or not isinstance(batches, Sequence):
        raise TypeError(f"batches must be a sequence of ints, got {batches!r}")
    if any(isinstance(b, bool) or not isinstance(b, int) for b in batches):
        raise TypeError(f"batches must hold ints, got {batches}")
    if any(b < 1 for b in batches):
        raise ValueError(f"batches must be ints >= 1, got {batches}")
    ladder = _check_ladder(capture_sizes)
    runs = sum(1 for i, c in enumerate(pattern) if c == "C" and (i == 0 or pattern[i - 1] == "A"))
    steady = runs + pattern.count("A")
    captured: set[int] = set()
    total = 0
    for rows in batches:
        rung = _rung(ladder, rows)
        if rung is not None and rung in captured:
            total += steady
        else:
            total += len(pattern)
            if rung is not None:
                captured.add(rung)
    return total
