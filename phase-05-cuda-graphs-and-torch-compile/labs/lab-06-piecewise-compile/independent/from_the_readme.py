"""Lab 06, written from README.md and starter.py alone (never from the reference).

It keeps the starter's header on purpose: `from __future__ import annotations` plus a
`@dataclass` is what a student's file looks like, and the fresh-process cache test once
crashed on exactly that (dataclasses looks its module up in sys.modules). The instructor
check grades this file and requires every test to pass.
"""

from __future__ import annotations

import hashlib
import json
import operator
import platform
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import os

    import torch

__all__ = [
    "DEFAULT_SPLITTING_OPS",
    "PiecewiseBackend",
    "SplitItem",
    "cache_key",
    "count_ops",
    "launch_accounting",
    "launches_per_step",
    "should_split",
    "split_graph",
    "stacked_launches",
]

DEFAULT_SPLITTING_OPS = ("minivllm::attention",)


def count_ops(gm: torch.fx.GraphModule) -> int:
    """How many operations the graph runs: its call_function and call_method nodes."""
    return sum(node.op in ("call_function", "call_method") for node in gm.graph.nodes)


def should_split(node: torch.fx.Node, splitting_ops: Sequence[str]) -> bool:
    """True if `node` calls one of the `splitting_ops`, named 'namespace::op' or 'namespace::op.overload'."""
    import torch

    if node.op != "call_function":
        return False
    target = node.target
    if isinstance(target, torch._ops.OpOverloadPacket):
        return target._qualified_op_name in splitting_ops
    if isinstance(target, torch._ops.OpOverload):
        packet = target.overloadpacket._qualified_op_name
        return packet in splitting_ops or f"{packet}.{target._overloadname}" in splitting_ops
    return False


@dataclass
class SplitItem:
    """One piece of a split graph: its submodule name, id, whether it is an eager island, its graph."""

    submod_name: str
    graph_id: int
    is_splitting_graph: bool
    graph: torch.fx.GraphModule


def split_graph(
    gm: torch.fx.GraphModule, splitting_ops: Sequence[str]
) -> tuple[torch.fx.GraphModule, list[SplitItem]]:
    """Cut `gm` into pieces at the splitting ops; return the split graph and its pieces in order."""
    from torch.fx.passes.split_module import split_module

    ids: dict[torch.fx.Node, int] = {}
    islands: set[int] = set()
    current, previous_split = 0, False
    for node in gm.graph.nodes:
        if node.op in ("placeholder", "output"):
            continue
        if node.op == "call_function" and node.target is operator.getitem and node.args[0] in ids:
            ids[node] = ids[node.args[0]]
            continue
        if should_split(node, splitting_ops):
            if not previous_split:
                current += 1
            islands.add(current)
            previous_split = True
        elif previous_split:
            current += 1
            previous_split = False
        ids[node] = current
    split_gm = split_module(gm, None, lambda node: ids[node], keep_original_order=True)
    items = [
        SplitItem(f"submod_{i}", i, i in islands, getattr(split_gm, f"submod_{i}"))
        for i in sorted(set(ids.values()))
    ]
    return split_gm, items


def _versions() -> dict[str, str]:
    from importlib import metadata

    import torch

    try:
        ours = metadata.version("mini-vllm")
    except metadata.PackageNotFoundError:
        ours = "unknown"
    return {"torch": torch.__version__, "python": platform.python_version(), "mini_vllm": ours}


def cache_key(gm: torch.fx.GraphModule, example_inputs: Sequence[Any], config: Mapping[str, Any]) -> str:
    """A 10-hex-digit key, identical in every process for the same graph, inputs, config, versions."""
    inputs = [[list(x.shape), str(x.dtype)] if hasattr(x, "shape") else repr(x) for x in example_inputs]
    factors = {"code": gm.code, "inputs": inputs, "config": {k: config[k] for k in sorted(config)},
               "versions": _versions()}
    return hashlib.sha256(json.dumps(factors, sort_keys=True, default=str).encode()).hexdigest()[:10]


def _check_op_name(name: Any) -> None:
    import torch

    if not isinstance(name, str):
        raise TypeError(f"splitting_ops: {name!r} is not a str")
    if "::" not in name:
        raise ValueError(f"splitting_ops: {name!r} is not 'namespace::op' or 'namespace::op.overload'")
    namespace, op = name.split("::", 1)
    op, _, overload = op.partition(".")
    try:
        packet = getattr(getattr(torch.ops, namespace), op)
        if overload:
            getattr(packet, overload)
    except (AttributeError, RuntimeError) as err:
        raise ValueError(f"splitting_ops: {name!r} names no registered op") from err


class PiecewiseBackend:
    """A torch.compile backend that splits at `splitting_ops` and compiles the rest with `compiler`."""

    def __init__(
        self,
        splitting_ops: Sequence[str] = DEFAULT_SPLITTING_OPS,
        compiler: str | Callable[..., Any] = "eager",
        cache_dir: str | os.PathLike[str] | None = None,
    ) -> None:
        from mini_vllm.compilation.compilers import COMPILERS

        if isinstance(splitting_ops, str) or not isinstance(splitting_ops, Sequence):
            raise TypeError(f"splitting_ops must be a sequence of op names, got {splitting_ops!r}")
        for name in splitting_ops:
            _check_op_name(name)
        if callable(compiler):
            if cache_dir is not None:
                raise ValueError("compiler: a callable compiler cannot be cached; pass cache_dir=None")
        elif compiler not in COMPILERS:
            raise ValueError(f"compiler must be one of {COMPILERS} or a callable, got {compiler!r}")
        self.splitting_ops = list(splitting_ops)
        self.compiler = compiler
        self.cache_dir = Path(cache_dir) if cache_dir is not None else None
        self.num_ops = 0
        self.items: list[SplitItem] = []
        self.hits = self.misses = 0
        self.compile_seconds = self.load_seconds = self.seconds_saved = 0.0

    def __call__(self, gm: torch.fx.GraphModule, example_inputs: Sequence[Any]) -> Callable[..., Any]:
        """Compile the graph Dynamo traced: the split graph, with compiled pieces installed."""
        import os

        from mini_vllm.compilation.cache_files import read_index, write_index
        from mini_vllm.compilation.compilers import (
            SAVES_ARTIFACTS,
            compile_piece,
            install_piece,
            load_artifact,
            piece_inputs,
            save_artifact,
        )

        if self.splitting_ops and not any(should_split(n, self.splitting_ops) for n in gm.graph.nodes):
            raise ValueError(f"the graph calls none of splitting_ops={self.splitting_ops}")
        self.num_ops = count_ops(gm)
        split_gm, self.items = split_graph(gm, self.splitting_ops)
        inputs = piece_inputs(split_gm, example_inputs)
        directory, index = None, {}
        if self.cache_dir is not None:
            key = cache_key(gm, example_inputs, {"splitting_ops": self.splitting_ops, "compiler": self.compiler})
            directory = self.cache_dir / key
            index = read_index(directory)
            if self.compiler == "inductor":
                os.environ["TORCHINDUCTOR_CACHE_DIR"] = str(directory / "inductor_cache")
        for item in self.items:
            if item.is_splitting_graph:
                continue
            entry = index.get(str(item.graph_id))
            artifact = directory / entry["artifact"] if entry and entry.get("artifact") else None
            if entry is not None and (artifact is None or artifact.is_file()):
                start = time.perf_counter()
                compiled = load_artifact(artifact) if artifact is not None else compile_piece(
                    "eager", item.graph, inputs[item.submod_name])
                self.load_seconds += time.perf_counter() - start
                self.hits += 1
                self.seconds_saved += entry["compile_seconds"]
            else:
                start = time.perf_counter()
                if callable(self.compiler):
                    compiled = self.compiler(item.graph, list(inputs[item.submod_name]))
                else:
                    compiled = compile_piece(self.compiler, item.graph, inputs[item.submod_name])
                seconds = time.perf_counter() - start
                self.compile_seconds += seconds
                self.misses += 1
                if directory is not None:
                    name = None
                    if self.compiler in SAVES_ARTIFACTS:
                        name = f"piece_{item.graph_id}.bin"
                        directory.mkdir(parents=True, exist_ok=True)
                        save_artifact(compiled, directory / name)
                    index[str(item.graph_id)] = {"compiler": self.compiler, "compile_seconds": seconds,
                                                 "artifact": name}
            install_piece(split_gm, item, compiled)
        if directory is not None:
            write_index(directory, index)
        return split_gm


def launch_accounting(items: Sequence[SplitItem], steps: int) -> dict[str, int]:
    """Launches over `steps` forward passes: eager vs piecewise CUDA graphs (lab-01's counting)."""
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 1:
        raise ValueError(f"steps must be an int >= 1, got {steps!r}")
    ops = sum(count_ops(item.graph) for item in items)
    pieces = sum(not item.is_splitting_graph for item in items)
    live = sum(count_ops(item.graph) for item in items if item.is_splitting_graph)
    return {"eager": steps * ops, "piecewise": ops + (steps - 1) * (pieces + live)}


def launches_per_step(items: Sequence[SplitItem], mode: str) -> int:
    """Launches of one steady-state step of a split graph run under `mode`, after any capture."""
    if mode not in ("NONE", "PIECEWISE", "FULL"):
        raise ValueError(f"mode must be 'NONE', 'PIECEWISE' or 'FULL', got {mode!r}")
    items = list(items)
    if not items:
        raise ValueError("items must hold at least one piece")
    if not all(isinstance(item, SplitItem) for item in items):
        raise TypeError("items must be SplitItems, as split_graph returns them")
    if mode == "FULL":
        return 1
    if mode == "NONE":
        return sum(count_ops(item.graph) for item in items)
    return sum(count_ops(item.graph) if item.is_splitting_graph else 1 for item in items)


def stacked_launches(layer: str, num_layers: int, mode: str) -> int:
    """Launches of one steady-state step of `num_layers` copies of `layer`, split and run under `mode`."""
    if mode not in ("NONE", "PIECEWISE", "FULL"):
        raise ValueError(f"mode must be 'NONE', 'PIECEWISE' or 'FULL', got {mode!r}")
    if not isinstance(layer, str):
        raise TypeError(f"layer must be a str, got {type(layer).__name__}")
    if not layer or set(layer) - {"C", "A"}:
        raise ValueError(f"layer must be a non-empty string of C and A, got {layer!r}")
    if isinstance(num_layers, bool) or not isinstance(num_layers, int):
        raise TypeError(f"num_layers must be an int, got {num_layers!r}")
    if num_layers < 1:
        raise ValueError(f"num_layers must be >= 1, got {num_layers}")
    if mode == "FULL":
        return 1
    if mode == "NONE":
        return len(layer) * num_layers

    def piecewise(stack: str) -> int:
        # one replay for each maximal stretch of C, one live launch for each A
        return stack.count("A") + sum(1 for i, c in enumerate(stack) if c == "C" and (i == 0 or stack[i - 1] == "A"))

    # From the second layer on, each layer meets the same neighbour, so each adds the same amount.
    one, two = piecewise(layer), piecewise(layer * 2)
    return one + (num_layers - 1) * (two - one)
