"""Launch accounting for a split graph: lab-01's counting, read off real pieces.

Eager pays one launch per op; a captured piece replays as one launch whatever it holds; the
splitting ops between pieces run live. `stacked_launches` asks the same question of a model
given only as one layer's op pattern and a depth, where no graph is ever built.
upstream: the PIECEWISE / FULL names are CUDAGraphMode's, vllm/config/compilation.py (0.22.1).
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence

from mini_vllm.checks import check_int
from mini_vllm.compilation.partition import SplitItem, count_ops

STEP_MODES = ("NONE", "PIECEWISE", "FULL")  # lab-03's CUDAGraphMode names for one step
LAYER_LETTERS = "CA"  # stacked_launches: C an op that compiles, A a splitting op


def launches_per_step(items: Sequence[SplitItem], mode: str) -> int:
    """Launches of one steady-state step of a split graph run under `mode`, after any capture.

    `mode` is one of lab-03's CUDAGraphMode names "NONE", "PIECEWISE", "FULL" (README §6 says
    what each runs); `items` is split_graph's second result. A bad mode or an empty `items` is
    a ValueError naming it; the first step's capture is launch_accounting's business.
    """
    _check_mode(mode)
    if not items:
        raise ValueError("items must hold at least one SplitItem (split_graph's second result)")
    for i, item in enumerate(items):
        if not isinstance(item, SplitItem):
            raise TypeError(f"items[{i}] must be a SplitItem (split_graph's second result), "
                            f"got {type(item).__name__}")
    if mode == "FULL":
        return 1
    return sum(count_ops(item.graph) if mode == "NONE" or item.is_splitting_graph else 1 for item in items)


def launch_accounting(items: Sequence[SplitItem], steps: int) -> dict[str, int]:
    """Launches over `steps` forward passes, eager vs piecewise CUDA graphs, as lab-01 counts them.

    Returns {"eager": ..., "piecewise": ...}; the piecewise bill includes the first step's
    capture (README §6). `steps` is an int >= 1, else a ValueError naming it.
    """
    if isinstance(steps, bool) or not isinstance(steps, numbers.Integral) or steps < 1:
        raise ValueError(f"steps must be an int >= 1, got {steps!r}")
    steps = int(steps)  # a numpy int is welcome, as everywhere (mini_vllm/checks.py)
    ops = launches_per_step(items, "NONE")
    return {"eager": steps * ops, "piecewise": ops + (steps - 1) * launches_per_step(items, "PIECEWISE")}


def stacked_launches(layer: str, num_layers: int, mode: str) -> int:
    """Launches of one steady-state step of `num_layers` copies of `layer`, split and run under `mode`.

    `layer` is one layer's ops in order, "C" for an op that compiles and "A" for a splitting op
    (a non-empty str of those letters; TypeError / ValueError naming `layer`); `num_layers` is
    an int >= 1 (TypeError / ValueError naming it), as large as 10**18, so no graph is built;
    `mode` is as in launches_per_step. The split is split_graph's over the whole stack.
    """
    _check_mode(mode)
    if not isinstance(layer, str):
        raise TypeError(f"layer must be a str of 'C' and 'A', got {layer!r} ({type(layer).__name__})")
    if not layer or layer.strip(LAYER_LETTERS):
        raise ValueError(f"layer must be a non-empty str of 'C' (an op that compiles) and 'A' "
                         f"(a splitting op), got {layer!r}")
    num_layers = check_int(num_layers, "num_layers")
    if mode == "FULL":
        return 1
    if mode == "NONE":
        return num_layers * len(layer)
    # PIECEWISE: every splitting op runs live; every maximal run of C ops is one replay. A run
    # that ends one layer and the run that starts the next are one piece, so when the layer
    # both starts and ends with C, each of the num_layers - 1 layer boundaries saves a replay.
    runs = len([run for run in layer.split("A") if run])
    joined = layer[0] == "C" and layer[-1] == "C"
    return num_layers * (layer.count("A") + runs) - (num_layers - 1) * joined


def _check_mode(mode: str) -> None:
    if mode not in STEP_MODES:
        raise ValueError(f"mode must be one of {STEP_MODES} (case-sensitive), got {mode!r}")
