"""lab-06 made visible: `mini-vllm compile` (the pieces, launches and cache of one piecewise
compile) and `mini-vllm compile --measure` (where a process start's seconds go).

Both import torch when called, never at import time.
"""

from __future__ import annotations

import os
import platform
import statistics
from pathlib import Path
from typing import Any

from mini_vllm.compilation.measure import PHASES, RUNS, measure
from mini_vllm.presentation import Shown


def compile_demo(layers: int, hidden: int, compiler: str, cache_dir: str | Path | None, steps: int) -> str:
    """Compile splittable_decoder(layers, hidden) with PiecewiseBackend and describe what happened."""
    import torch

    from mini_vllm.compilation.splittable_decoder import splittable_decoder
    from mini_vllm.lab_code import lab_module

    lab06 = lab_module("lab-06")  # the reference, or the student's own in the student release
    model = splittable_decoder(layers, hidden)
    backend = lab06.PiecewiseBackend(compiler=compiler, cache_dir=cache_dir)
    x = torch.randn(8, hidden)
    with torch.no_grad():
        out = torch.compile(model, backend=backend, fullgraph=True, dynamic=False)(x)
        error = (out - model(x)).abs().max().item()
    launches = lab06.launch_accounting(backend.items, steps)
    compiled = sum(not item.is_splitting_graph for item in backend.items)
    lines = [f"tiny decoder: {layers} layers, hidden {hidden}; compiler {compiler}; "
             f"{backend.num_ops} FX ops -> {compiled} compiled pieces + {len(backend.items) - compiled} "
             "attention islands",
             f"{'piece':<10} {'kind':<10} {'ops':>4}"]
    for item in backend.items:
        kind = "eager" if item.is_splitting_graph else "compiled"
        lines.append(f"{item.submod_name:<10} {kind:<10} {lab06.count_ops(item.graph):>4}")
    lines.append(f"launches over {steps} steps: eager {launches['eager']}, piecewise CUDA graphs "
                 f"{launches['piecewise']} (first step captures: one eager pass)")
    if cache_dir is not None:  # the README asks for the counts; the graph's own folder is the reference's extra
        where = getattr(backend, "cache_path", None) or cache_dir
        lines.append(f"cache {where}: {backend.hits} hits, {backend.misses} misses; "
                     f"compiled in {backend.compile_seconds:.2f} s, loaded in {backend.load_seconds:.2f} s, "
                     f"saved {backend.seconds_saved:.2f} s")
    lines.append(f"max |compiled - eager| = {error:.1e}")
    return "\n".join(lines)


def format_measure_report(runs: dict[str, list[dict[str, Any]]], layers: int, hidden: int) -> str:
    """A table of median (min-max) seconds per phase, cold vs warm, and the launch accounting."""
    import torch

    cold, warm = runs["cold"], runs["warm"]

    def cell(values: list[float]) -> str:
        return f"{statistics.median(values):.2f} ({min(values):.2f}-{max(values):.2f})"

    lines = [f"tiny decoder: {layers} layers, hidden {hidden}, 8 tokens; compiler inductor; "
             f"{len(cold)} repeats; torch {torch.__version__}, {os.cpu_count()} CPUs, {platform.machine()}",
             "seconds, median (min-max)",
             f"{'phase':<22}" + "".join(f"{name:>27}" for name in RUNS)]
    for phase in PHASES:
        lines.append(f"{phase:<22}" + "".join(f"{cell([r[phase] for r in runs[name]]):>27}" for name in RUNS))
    first = cold[0]
    lines += [
        f"cache: cold misses {first['misses']}, warm hits {warm[0]['hits']} / misses {warm[0]['misses']}, "
        f"warm seconds_saved median {statistics.median(r['seconds_saved'] for r in warm):.2f}",
        f"launches per step: eager {first['fx_ops']} FX ops; Inductor without graphs "
        f"{first['inductor_kernel_calls']} kernel calls + {first['attention_ops']} attention; "
        f"piecewise graphs {first['compiled_pieces']} replays + {first['attention_ops']} attention",
    ]
    return "\n".join(lines)


def show_compile(layers: int, hidden: int, compiler: str, cache_dir: str | None, steps: int) -> Shown:
    """`mini-vllm compile`: one piecewise compile of the splittable decoder, described."""
    return Shown(compile_demo(layers, hidden, compiler, cache_dir, steps), None)


def show_startup(repeats: int, layers: int, hidden: int) -> Shown:
    """`mini-vllm compile --measure`: cold vs warm process starts, phase by phase."""
    runs = measure(repeats, layers, hidden)
    return Shown(format_measure_report(runs, layers, hidden), runs)
