"""`mini-vllm compile`: compile the tiny decoder piecewise and show the pieces, launches and cache.

Imports torch when called, never at import time.
"""

from __future__ import annotations

from pathlib import Path


def compile_demo(layers: int, hidden: int, compiler: str, cache_dir: str | Path | None, steps: int) -> str:
    """Compile splittable_decoder(layers, hidden) with PiecewiseBackend and describe what happened."""
    import torch

    from mini_vllm.compilation.backend import PiecewiseBackend, launch_accounting
    from mini_vllm.compilation.partition import count_ops
    from mini_vllm.compilation.splittable_decoder import splittable_decoder

    model = splittable_decoder(layers, hidden)
    backend = PiecewiseBackend(compiler=compiler, cache_dir=cache_dir)
    x = torch.randn(8, hidden)
    with torch.no_grad():
        out = torch.compile(model, backend=backend, fullgraph=True, dynamic=False)(x)
        error = (out - model(x)).abs().max().item()
    launches = launch_accounting(backend.items, steps)
    compiled = sum(not item.is_splitting_graph for item in backend.items)
    lines = [f"tiny decoder: {layers} layers, hidden {hidden}; compiler {compiler}; "
             f"{backend.num_ops} FX ops -> {compiled} compiled pieces + {len(backend.items) - compiled} "
             "attention islands",
             f"{'piece':<10} {'kind':<10} {'ops':>4}"]
    for item in backend.items:
        kind = "eager" if item.is_splitting_graph else "compiled"
        lines.append(f"{item.submod_name:<10} {kind:<10} {count_ops(item.graph):>4}")
    lines.append(f"launches over {steps} steps: eager {launches['eager']}, piecewise CUDA graphs "
                 f"{launches['piecewise']} (first step captures: one eager pass)")
    if backend.cache_path is not None:
        lines.append(f"cache {backend.cache_path}: {backend.hits} hits, {backend.misses} misses; "
                     f"compiled in {backend.compile_seconds:.2f} s, loaded in {backend.load_seconds:.2f} s, "
                     f"saved {backend.seconds_saved:.2f} s")
    lines.append(f"max |compiled - eager| = {error:.1e}")
    return "\n".join(lines)
