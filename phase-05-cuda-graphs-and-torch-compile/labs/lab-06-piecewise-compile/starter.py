"""Lab 06: piecewise torch.compile on the CPU. Your work goes here.

Fill in every body that raises NotImplementedError; README.md states the contract, §1 to §7.
Needs a CPU torch: pip install torch --index-url https://download.pytorch.org/whl/cpu
then pip install -e ".[dev,compile]". Grade yourself (fast loop, then everything):
LAB_IMPL=starter pytest phase-05-cuda-graphs-and-torch-compile/labs/lab-06-piecewise-compile -q -m "not slow"
LAB_IMPL=starter pytest phase-05-cuda-graphs-and-torch-compile/labs/lab-06-piecewise-compile -q

Provided, so you can spend your time on the ideas rather than on torch plumbing (README "The
provided helpers" gives every signature):
- mini_vllm.compilation.compilers: COMPILERS, SAVES_ARTIFACTS, compile_piece, piece_inputs,
  install_piece, save_artifact, load_artifact, store_artifact, keep_inductor_cache;
- mini_vllm.compilation.cache_files: read_index, write_index (a JSON index per cache directory),
  write_readables (optional files for humans);
- mini_vllm.compilation.splittable_decoder: the tiny model and its `minivllm::attention` custom op.
Import torch inside your functions, as below: this file must import without torch.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
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

#: The ops a mini_vllm model splits at. Upstream's list has sixteen (facts §8.1); ours has one.
DEFAULT_SPLITTING_OPS = ("minivllm::attention",)


def count_ops(gm: torch.fx.GraphModule) -> int:
    """How many operations the graph runs: its call_function and call_method nodes.

    This is lab-02's `num_ops` read off a real graph: in eager mode each of these nodes is (at
    least) one dispatch, so it is the launch bill a CUDA graph or a fusing compiler attacks.
    Placeholders, get_attr, output and call_module nodes are bookkeeping, not work.
    """
    raise NotImplementedError("lab-06: count_ops — see README §1")


def should_split(node: torch.fx.Node, splitting_ops: Sequence[str]) -> bool:
    """True if `node` calls one of the `splitting_ops`, named 'namespace::op' or 'namespace::op.overload'.

    Only call_function nodes whose target is a registered torch op count: an OpOverloadPacket
    (torch.ops.ns.op) matches its qualified name; an OpOverload (torch.ops.ns.op.default)
    matches either its packet's name or 'ns::op.overload'. Names are compared exactly, so
    'minivllm::attention' never matches aten::scaled_dot_product_attention.
    upstream: vllm/compilation/partition_rules.py:14 (0.22.1).
    """
    raise NotImplementedError("lab-06: should_split — see README §2")


@dataclass
class SplitItem:
    """One piece of a split graph: the submodule's name in the split graph, its id, and whether
    it is a splitting (eager) piece. upstream: SplitItem in vllm/compilation/backends.py (0.22.1)."""

    submod_name: str
    graph_id: int
    is_splitting_graph: bool
    graph: torch.fx.GraphModule


def split_graph(
    gm: torch.fx.GraphModule, splitting_ops: Sequence[str]
) -> tuple[torch.fx.GraphModule, list[SplitItem]]:
    """Cut `gm` into pieces at the splitting ops; return the split graph and its pieces in order.

    The pieces follow README §3's layout rules (upstream's: splitting ops in eager islands, the
    ops between them in compiled pieces); the split graph computes exactly what `gm` computes,
    calling `submod_<graph_id>` in increasing id order; `gm` itself is left untouched.
    upstream: vllm/compilation/backends.py:548-622 (0.22.1).
    """
    raise NotImplementedError("lab-06: split_graph — see README §3")


def cache_key(gm: torch.fx.GraphModule, example_inputs: Sequence[Any], config: Mapping[str, Any]) -> str:
    """A 10-hex-digit key, identical in every process for the same graph, inputs, config, versions.

    `config` holds the backend settings that shape the result (splitting ops, compiler); the
    graph enters as its generated code, the inputs as shapes and dtypes (weights are inputs of
    a traced graph, so their values never matter), and torch/python/mini_vllm versions are
    added here. upstream: vllm/compilation/backends.py:1058-1065 (0.22.1).
    """
    raise NotImplementedError("lab-06: cache_key — see README §5")


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
        # Check the config (README §4), then start the state: num_ops = 0, items = [],
        # hits = misses = 0, compile_seconds = load_seconds = seconds_saved = 0.0.
        raise NotImplementedError("lab-06: PiecewiseBackend.__init__ — see README §4")

    def __call__(self, gm: torch.fx.GraphModule, example_inputs: Sequence[Any]) -> Callable[..., Any]:
        """Compile the graph Dynamo traced: the split graph, with compiled pieces installed."""
        raise NotImplementedError("lab-06: PiecewiseBackend.__call__ — see README §4")


def launch_accounting(items: Sequence[SplitItem], steps: int) -> dict[str, int]:
    """Launches over `steps` forward passes, eager vs piecewise CUDA graphs, as lab-01 counts them.

    Returns {"eager": ..., "piecewise": ...}; the piecewise bill includes the first step's
    capture (README §6). `steps` is an int >= 1, else a ValueError naming it.
    """
    raise NotImplementedError("lab-06: launch_accounting — see README §6")


def launches_per_step(items: Sequence[SplitItem], mode: str) -> int:
    """Launches of one steady-state step of a split graph run under `mode`, after any capture.

    `mode` is one of lab-03's CUDAGraphMode names "NONE", "PIECEWISE", "FULL" (README §6 says
    what each runs); `items` is split_graph's second result. A bad mode or an empty `items` is
    a ValueError naming it; the first step's capture is launch_accounting's business.
    """
    raise NotImplementedError("lab-06: launches_per_step — see README §6")


def stacked_launches(layer: str, num_layers: int, mode: str) -> int:
    """Launches of one steady-state step of `num_layers` copies of `layer`, split and run under `mode`.

    `layer` is one layer's ops in order, "C" for an op that compiles and "A" for a splitting op
    (a non-empty str of those letters; TypeError / ValueError naming `layer`); `num_layers` is
    an int >= 1 (TypeError / ValueError naming it), as large as 10**18, so no graph is built;
    `mode` is as in launches_per_step. The split is split_graph's over the whole stack.
    """
    raise NotImplementedError("lab-06: stacked_launches — see README §7")
