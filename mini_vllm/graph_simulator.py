"""CUDA-graph capture and replay, simulated on the CPU with numpy.

An op is a callable ndarray -> ndarray; running one eagerly stands for one kernel launch.
Capturing runs the ops once and keeps a *recording* that reads the buffer it was captured with,
as a real graph bakes its kernels' pointer arguments in. Replaying costs one launch. The two
constraints fall out of that: one graph per shape, and new inputs must be copied into the
captured buffer, never rebound. upstream: vllm/compilation/cuda_graph.py:233
(CUDAGraphWrapper.__call__, 0.22.1); its graphs live in concrete_cudagraph_entries (:207).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from mini_vllm.capture_sizes import check_capture_sizes, rung_for
from mini_vllm.checks import check_int

Op = Callable[[np.ndarray], np.ndarray]


def _check_ops(ops: Sequence[Op]) -> list[Op]:
    if isinstance(ops, (str, bytes)) or not isinstance(ops, Iterable):
        raise TypeError(f"ops must be a sequence of callables ndarray -> ndarray, got {type(ops).__name__}")
    ops = list(ops)
    if not ops:
        raise ValueError("ops must hold at least one op (an op is a callable ndarray -> ndarray)")
    for i, op in enumerate(ops):
        if not callable(op):
            raise TypeError(f"ops[{i}] must be callable ndarray -> ndarray, got {op!r}")
    return ops


def _check_input(x: object) -> np.ndarray:
    if type(x) is not np.ndarray:  # a subclass (np.matrix: * is a matrix product) computes
        # differently on the plain buffer a capture records into, so replay would disagree
        raise TypeError(f"x must be a plain numpy.ndarray, got {type(x).__name__}")
    if x.ndim == 0 or x.shape[0] == 0:
        raise ValueError(f"x needs a batch dimension (axis 0) with at least one row, got shape {x.shape}")
    return x


def eager(ops: Sequence[Op], x: np.ndarray) -> np.ndarray:
    """The reference: apply the ops in order, one launch each (len(ops) launches)."""
    return _run(_check_ops(ops), _check_input(x))


def _run(ops: list[Op], x: np.ndarray) -> np.ndarray:
    """The ops in order, on arguments a boundary already checked: eager's body and a replay's."""
    for op in ops:
        x = op(x)
    return x


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


def _record(ops: list[Op], static_input: np.ndarray) -> GraphEntry:
    """Run the ops once on the static input (the capture) and keep a replayable recording."""
    static_output = np.array(_run(ops, static_input))  # the output gets a fixed address too

    def recording() -> None:  # no checks: the runner checked the ops once, at construction
        np.copyto(static_output, _run(ops, static_input))

    return GraphEntry(static_input, static_output, recording)


class GraphRunner:
    """Capture once per (padded) input shape, then replay as a single launch.

    `graphs` is keyed by shape (the fixed-shape constraint); inputs are copied into the
    captured buffer (the fixed-address constraint). The returned array is the graph's static
    output buffer (or its first `batch` rows when padded): the next call overwrites it, so
    copy what you keep, as vLLM's callers do with CUDAGraphWrapper's weak-ref outputs.
    With `capture_sizes`, a batch pads up to the next rung; above the top rung it runs eagerly.
    """

    def __init__(self, ops: Sequence[Op], capture_sizes: Sequence[int] | None = None) -> None:
        self.ops = _check_ops(ops)
        self.capture_sizes = (
            None if capture_sizes is None else check_capture_sizes(capture_sizes, "capture_sizes")
        )
        self.graphs: dict[tuple[int, ...], GraphEntry] = {}
        self.launches = 0
        self.captures = 0
        self.replays = 0

    def __call__(self, x: np.ndarray) -> np.ndarray:
        """One batch: eagerly above the ladder, else capture its padded shape once and replay it.

        The three outcomes of CUDAGraphWrapper.__call__ (vllm/compilation/cuda_graph.py:233,
        0.22.1) in the order nano-vllm's run_model takes them: pick the rung, copy the batch in,
        replay, hand back the first `batch` rows (nanovllm/engine/model_runner.py:196, bb823b3).
        """
        x = _check_input(x)
        batch = x.shape[0]
        rows = batch if self.capture_sizes is None else rung_for(batch, self.capture_sizes)
        if rows is None:  # above the ladder: no graph can hold it, so it runs eagerly, unpadded
            self.launches += len(self.ops)
            return _run(self.ops, x)
        entry = self.graphs.get((rows, *x.shape[1:]))
        if entry is None:
            entry = self._capture(x, rows)
        else:
            self._replay(entry, x)
        if batch == rows:  # the batch fills its graph: the static output buffer itself
            return entry.static_output
        return entry.static_output[:batch]  # a view: the padding rows are nobody's output

    def _capture(self, x: np.ndarray, rows: int) -> GraphEntry:
        """Record the ops on a static buffer of `rows` rows, zero-padded: one eager pass."""
        static_input = np.zeros((rows, *x.shape[1:]), dtype=x.dtype)
        static_input[: x.shape[0]] = x
        entry = self.graphs[static_input.shape] = _record(self.ops, static_input)
        self.launches += len(self.ops)
        self.captures += 1
        return entry

    def _replay(self, entry: GraphEntry, x: np.ndarray) -> None:
        """Copy the batch into the captured address, zero the padding rows, replay: one launch."""
        if entry.static_input.dtype != x.dtype:
            raise TypeError(
                f"x has dtype {x.dtype}, but the graph for shape {entry.static_input.shape} was "
                f"captured with {entry.static_input.dtype}; a graph replays the dtypes it recorded"
            )
        batch = x.shape[0]
        np.copyto(entry.static_input[:batch], x)
        entry.static_input[batch:] = 0  # padding rows hold zeros, not the last batch's rows
        entry.recording()
        self.launches += 1
        self.replays += 1


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
        ops = _check_ops(ops)
        if not callable(is_splitting_op):
            raise TypeError(f"is_splitting_op must be callable Op -> bool, got {is_splitting_op!r}")
        if capture_sizes is not None:
            capture_sizes = check_capture_sizes(capture_sizes, "capture_sizes")
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
        x = _check_input(x)
        for piece in self.pieces:
            x = piece(x)
            if not isinstance(piece, GraphRunner):
                self.eager_launches += 1
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
        raise TypeError(f"pattern must be a str of 'C' and 'A', got {pattern!r}")
    if not pattern or set(pattern) - {"C", "A"}:
        raise ValueError(f"pattern must be a non-empty str of 'C' (capturable) and 'A' (attention), got {pattern!r}")
    if isinstance(batches, (str, bytes)) or not isinstance(batches, Sequence):
        raise TypeError(f"batches must be a sequence of ints >= 1, got {batches!r}")
    batches = [check_int(b, f"batches[{i}]") for i, b in enumerate(batches)]
    ladder = None if capture_sizes is None else check_capture_sizes(capture_sizes, "capture_sizes")

    # A run starts at every C that opens the model or follows an attention; empty runs are no graphs.
    runs = sum(1 for i, op in enumerate(pattern) if op == "C" and (i == 0 or pattern[i - 1] == "A"))
    replay = runs + pattern.count("A")
    captured: set[int] = set()
    launches = 0
    for batch in batches:
        rows = batch if ladder is None else rung_for(batch, ladder)
        if rows is None or rows not in captured:  # eager above the ladder, or a capture
            launches += len(pattern)
            if rows is not None:
                captured.add(rows)
        else:
            launches += replay
    return launches
