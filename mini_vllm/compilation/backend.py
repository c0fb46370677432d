"""A teaching-size VLLM_COMPILE backend: count, split at attention, compile the pieces, cache.

`torch.compile(model, backend=PiecewiseBackend(...))` hands this backend the FX graph Dynamo
traced. It counts the graph's ops, splits it at the splitting ops, compiles every piece except
the splitting ones (attention runs eagerly, the layout piecewise CUDA graphs capture), and
keeps the compiled pieces on disk so the next process start loads them instead of compiling.
upstream: VllmBackend.__call__ in vllm/compilation/backends.py, which splits the Dynamo graph
at vllm/compilation/backends.py:1171 and compiles only the non-splitting pieces at
vllm/compilation/backends.py:1194-1198 (0.22.1). Counting the launches of the result is
`launches`.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mini_vllm.compilation.cache import cache_factors, cache_key
from mini_vllm.compilation.cache_files import read_index, write_index, write_readables
from mini_vllm.compilation.compilers import (
    COMPILERS,
    compile_piece,
    install_piece,
    keep_inductor_cache,
    load_artifact,
    piece_inputs,
    store_artifact,
)
from mini_vllm.compilation.partition import (
    DEFAULT_SPLITTING_OPS,
    SplitItem,
    count_ops,
    should_split,
    split_graph,
)

if TYPE_CHECKING:
    import torch


class PiecewiseBackend:
    """A torch.compile backend that splits at `splitting_ops` and compiles the rest with `compiler`.

    `compiler` is "eager", "aot_eager", "inductor", or a callable `(piece, example_inputs) ->
    callable` (not cacheable, so it needs cache_dir=None). With `cache_dir`, compiled pieces are
    kept under cache_dir/<cache_key>/; for Inductor this also points TORCHINDUCTOR_CACHE_DIR at
    cache_dir/<cache_key>/inductor_cache, so the built kernels are kept with them. After each
    call, the state tells what happened: `num_ops` and `items` describe the last graph; `hits`,
    `misses` (compiled pieces found in / not found in the cache; without a cache_dir every
    compiled piece is a miss), `compile_seconds` (spent compiling), `load_seconds` (spent
    loading hits) and `seconds_saved` (what the hits cost when they were compiled) add up over
    calls. A bad config is refused here, at construction (README §4: a TypeError for a
    splitting_ops that is not a sequence of str, a ValueError otherwise); a graph with none of
    the splitting ops is a ValueError when it arrives.
    """

    def __init__(
        self,
        splitting_ops: Sequence[str] = DEFAULT_SPLITTING_OPS,
        compiler: str | Callable[..., Any] = "eager",
        cache_dir: str | os.PathLike[str] | None = None,
    ) -> None:
        self.splitting_ops = _check_splitting_ops(splitting_ops)
        if not callable(compiler) and compiler not in COMPILERS:
            raise ValueError(f"compiler must be one of {COMPILERS} or a callable, got {compiler!r}")
        if callable(compiler) and cache_dir is not None:
            raise ValueError("cache_dir needs a named compiler: a callable compiler's result "
                             f"cannot be saved; use one of {COMPILERS} or cache_dir=None")
        self.compiler = compiler
        self.cache_dir = None if cache_dir is None else Path(cache_dir)
        self.cache_path: Path | None = None
        self.num_ops = 0
        self.items: list[SplitItem] = []
        self.hits = self.misses = 0
        self.compile_seconds = self.load_seconds = self.seconds_saved = 0.0

    def __call__(self, gm: torch.fx.GraphModule, example_inputs: Sequence[Any]) -> Callable[..., Any]:
        """Compile the graph Dynamo traced: the split graph, with compiled pieces installed."""
        if self.splitting_ops and not any(should_split(n, self.splitting_ops) for n in gm.graph.nodes):
            raise ValueError(
                f"no splitting op found in the graph: splitting_ops={list(self.splitting_ops)} "
                "but the model never calls them. Does its attention go through "
                "torch.ops.minivllm.attention? Pass splitting_ops=() to compile it as one piece.")
        self.num_ops = count_ops(gm)
        split_gm, self.items = split_graph(gm, self.splitting_ops)
        index = self._open_cache(gm, example_inputs, split_gm)
        inputs = piece_inputs(split_gm, example_inputs)
        for item in self.items:
            if not item.is_splitting_graph:  # attention stays eager: the island between captured pieces
                install_piece(split_gm, item, self._compile_or_load(item, inputs[item.submod_name], index))
        if self.cache_path is not None:
            write_index(self.cache_path, index)
        return split_gm

    def _open_cache(self, gm: torch.fx.GraphModule, example_inputs: Sequence[Any],
                    split_gm: torch.fx.GraphModule) -> dict[str, dict[str, Any]]:
        """The cache directory's index for this graph ({} without a cache_dir); sets cache_path."""
        if self.cache_dir is None:
            return {}
        config = {"splitting_ops": list(self.splitting_ops), "compiler": self.compiler}
        self.cache_path = self.cache_dir / cache_key(gm, example_inputs, config)
        index = read_index(self.cache_path)
        write_readables(self.cache_path, cache_factors(gm, example_inputs, config), split_gm)
        keep_inductor_cache(self.compiler, self.cache_path)
        return index

    def _compile_or_load(self, item: SplitItem, example: Sequence[Any],
                         index: dict[str, dict[str, Any]]) -> Callable[..., Any]:
        """One piece: loaded from the cache on a hit, compiled (and stored) on a miss."""
        entry = index.get(str(item.graph_id))
        start = time.perf_counter()
        if entry is not None and self._loadable(entry):
            self.hits += 1
            self.seconds_saved += entry["compile_seconds"]
            compiled = item.graph if entry["artifact"] is None else load_artifact(self.cache_path / entry["artifact"])
            self.load_seconds += time.perf_counter() - start
            return compiled
        self.misses += 1
        compiled = (self.compiler(item.graph, example) if callable(self.compiler)
                    else compile_piece(self.compiler, item.graph, example))
        seconds = time.perf_counter() - start
        self.compile_seconds += seconds
        if self.cache_path is not None:
            artifact = store_artifact(self.compiler, compiled, self.cache_path, item.graph_id)
            index[str(item.graph_id)] = {"compiler": self.compiler, "compile_seconds": seconds, "artifact": artifact}
        return compiled

    def _loadable(self, entry: dict[str, Any]) -> bool:
        return entry["artifact"] is None or (self.cache_path / entry["artifact"]).exists()


def _check_splitting_ops(splitting_ops: Sequence[str]) -> tuple[str, ...]:
    """Each name must be 'namespace::op' or 'namespace::op.overload' of a registered torch op."""
    import torch

    if (isinstance(splitting_ops, str) or not isinstance(splitting_ops, Sequence)
            or not all(isinstance(n, str) for n in splitting_ops)):
        raise TypeError(f"splitting_ops must be a sequence of op names like 'minivllm::attention', "
                        f"got {splitting_ops!r}")
    for name in splitting_ops:
        namespace, sep, op = name.partition("::")
        packet_name, _, overload = op.partition(".")
        try:
            if not (namespace and sep and packet_name):
                raise AttributeError
            packet = getattr(getattr(torch.ops, namespace), packet_name)
            if overload:
                getattr(packet, overload)
        except (AttributeError, RuntimeError):
            raise ValueError(
                f"unknown splitting op {name!r} in splitting_ops: expected 'namespace::op' or "
                "'namespace::op.overload' naming a registered torch op, e.g. "
                f"{DEFAULT_SPLITTING_OPS[0]!r} (registered by importing mini_vllm.compilation.splittable_decoder)"
            ) from None
    return tuple(splitting_ops)
