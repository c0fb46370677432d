"""Lab 01, written from README.md and starter.py alone (never from the reference).

The instructor check grades this file and requires every test to pass: a test that fails a
correct student file is a bug in the test, and this file is how we find it first.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

Op = Callable[[np.ndarray], np.ndarray]

__all__ = ["GraphEntry", "GraphRunner", "PiecewiseGraphRunner", "eager"]


def eager(ops: Sequence[Op], x: np.ndarray) -> np.ndarray:
    """The reference: apply the ops in order, one launch each (len(ops) launches)."""
    for op in ops:
        x = op(x)
    return x


@dataclass(eq=False)
class GraphEntry:
    """One captured graph: its static buffers and the recording that replays into them."""

    static_input: np.ndarray
    static_output: np.ndarray
    recording: Callable[[], None]


def _record(ops: Sequence[Op], x: np.ndarray) -> GraphEntry:
    buffer = np.empty_like(x)
    np.copyto(buffer, x)
    entry = GraphEntry(buffer, eager(ops, buffer).copy(), lambda: None)

    def replay() -> None:
        np.copyto(entry.static_output, eager(ops, buffer))

    entry.recording = replay
    return entry


class GraphRunner:
    """Capture once per (padded) input shape, then replay as a single launch."""

    def __init__(self, ops: Sequence[Op], capture_sizes: Sequence[int] | None = None) -> None:
        self.ops = list(ops)
        self.capture_sizes = sorted(capture_sizes) if capture_sizes is not None else None
        self.graphs: dict[tuple[int, ...], GraphEntry] = {}
        self.launches = 0
        self.captures = 0
        self.replays = 0

    def __call__(self, x: np.ndarray) -> np.ndarray:
        if not isinstance(x, np.ndarray):
            raise TypeError(f"x must be a numpy array, got {type(x).__name__}")
        if x.ndim == 0:
            raise ValueError("x needs a batch dimension (ndim >= 1)")
        rows = x.shape[0]
        if self.capture_sizes is not None:
            rungs = [size for size in self.capture_sizes if size >= rows]
            if not rungs:
                self.launches += len(self.ops)
                return eager(self.ops, x)
            padded = np.zeros((rungs[0], *x.shape[1:]), dtype=x.dtype)
            padded[:rows] = x
            x = padded
        entry = self.graphs.get(x.shape)
        if entry is None:
            self.graphs[x.shape] = entry = _record(self.ops, x)
            self.launches += len(self.ops)
            self.captures += 1
        else:
            if x.dtype != entry.static_input.dtype:
                raise TypeError(f"graph for {x.shape} was captured with {entry.static_input.dtype}, got {x.dtype}")
            np.copyto(entry.static_input, x)
            entry.recording()
            self.launches += 1
            self.replays += 1
        return entry.static_output[:rows]


class PiecewiseGraphRunner:
    """Capture the runs of ops between splitting ops; run the splitting ops eagerly every call."""

    def __init__(
        self,
        ops: Sequence[Op],
        is_splitting_op: Callable[[Op], bool],
        capture_sizes: Sequence[int] | None = None,
    ) -> None:
        self.pieces: list[GraphRunner | Op] = []
        run: list[Op] = []
        for op in ops:
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
        for piece in self.pieces:
            if isinstance(piece, GraphRunner):
                x = piece(x)
            else:
                x = piece(x)
                self.eager_launches += 1
        return x
