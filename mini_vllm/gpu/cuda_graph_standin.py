"""A stand-in for torch.cuda's graph API on CPU torch, so a CUDA-graph runner can be graded anywhere.

It keeps the contract that makes graphs hard to use, not their speed:
- capture records the step: every aten op run inside `graph(g)` is kept with the very tensors
  it read and wrote (a TorchDispatchMode sees them all);
- replay re-runs those ops on those same tensors, writing each result back into the tensor
  the capture produced. A runner that rebinds an input instead of copying into the captured
  buffer therefore computes on stale data, exactly as on a GPU;
- pools are counted: `graph(g, pool=handle)` with one `graph_pool_handle()` shares a pool,
  `pool=None` gives the graph a private one.
Streams, synchronize, empty_cache and mem_get_info become no-ops (memory reads 0 bytes used).
`installed()` swaps these into `torch.cuda` for a with block; nothing here touches a GPU.
upstream: the API mirrored is torch.cuda.CUDAGraph / torch.cuda.graph / graph_pool_handle.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import torch
from torch.utils._python_dispatch import TorchDispatchMode
from torch.utils._pytree import tree_leaves

_handles = itertools.count(1)


class _Op:
    """One recorded aten call: the op, the exact argument objects, and the outputs it produced."""

    def __init__(self, func: Any, args: tuple[Any, ...], kwargs: dict[str, Any], out: Any) -> None:
        self.func, self.args, self.kwargs, self.out = func, args, kwargs, out
        returns = func._schema.returns
        # An output that aliases an input (a view, or an in-place op's result) needs no copy
        # back: it already is the recorded tensor's memory.
        self.aliases = bool(returns) and all(r.alias_info is not None for r in returns)
        self.mutates = any(a.alias_info is not None and a.alias_info.is_write
                           for a in func._schema.arguments)

    def replay(self) -> None:
        if self.aliases and not self.mutates:
            return
        fresh = self.func(*self.args, **self.kwargs)
        if self.aliases:
            return  # an in-place op wrote into the recorded tensors itself
        for old, new in zip(tree_leaves(self.out), tree_leaves(fresh)):
            if isinstance(old, torch.Tensor) and old is not new:
                old.copy_(new)


class _Recorder(TorchDispatchMode):
    def __init__(self) -> None:
        super().__init__()
        self.ops: list[_Op] = []

    def __torch_dispatch__(self, func: Any, types: Any, args: tuple[Any, ...] = (), kwargs: Any = None) -> Any:
        kwargs = kwargs or {}
        out = func(*args, **kwargs)
        self.ops.append(_Op(func, args, kwargs, out))
        return out


class CUDAGraph:
    """torch.cuda.CUDAGraph's replay contract on the CPU: replay() re-runs the recorded ops."""

    replays = 0  # every replay of every stand-in graph, for the tests to read
    pools_used: list[object] = []  # the pool of every capture, in order

    def __init__(self) -> None:
        self.ops: list[_Op] = []
        self._pool: object = None

    def replay(self) -> None:
        if not self.ops:
            raise RuntimeError("replay() before anything was captured into this graph")
        for op in self.ops:
            op.replay()
        CUDAGraph.replays += 1

    def pool(self) -> object:
        return self._pool


@contextmanager
def graph(cuda_graph: CUDAGraph, pool: object = None, stream: object = None,
          capture_error_mode: str = "global") -> Iterator[CUDAGraph]:
    """Record what runs inside into `cuda_graph`; `pool=None` gives it a private pool."""
    if not isinstance(cuda_graph, CUDAGraph):
        raise TypeError(f"graph() needs a torch.cuda.CUDAGraph, got {type(cuda_graph).__name__}")
    recorder = _Recorder()
    with recorder:
        yield cuda_graph
    cuda_graph.ops = recorder.ops
    cuda_graph._pool = ("private", next(_handles)) if pool is None else pool
    CUDAGraph.pools_used.append(cuda_graph._pool)


def graph_pool_handle() -> object:
    return ("shared", next(_handles))


class Stream:
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        pass

    def wait_stream(self, other: Any) -> None:
        # torch's wait_stream records an event on `other`: anything but a stream fails there too
        if not isinstance(other, Stream):
            raise TypeError(f"wait_stream needs a Stream to wait for, got {other!r}")

    def synchronize(self) -> None:
        pass


@contextmanager
def stream(s: Any) -> Iterator[Any]:
    yield s


@contextmanager
def installed() -> Iterator[type[CUDAGraph]]:
    """The stand-in swapped into torch.cuda for the length of a with block, counts reset; the real
    API is put back after. Entered where the graph is captured: the graded process."""
    replaced = {
        "CUDAGraph": CUDAGraph, "graph": graph, "graph_pool_handle": graph_pool_handle,
        "Stream": Stream, "stream": stream, "current_stream": lambda *a, **k: Stream(),
        "synchronize": lambda *a, **k: None, "empty_cache": lambda: None,
        "mem_get_info": lambda *a, **k: (0, 0),
    }
    real = {name: getattr(torch.cuda, name) for name in replaced}
    CUDAGraph.replays = 0
    CUDAGraph.pools_used = []
    for name, value in replaced.items():
        setattr(torch.cuda, name, value)
    try:
        yield CUDAGraph
    finally:
        for name, value in real.items():
            setattr(torch.cuda, name, value)
