"""Where a process start's seconds go under piecewise compilation, with a cold and a warm cache.

Each run is a fresh Python process (so nothing is warm in memory) that imports torch, builds the
tiny decoder, and runs its first compiled forward, timing each phase: import, model build,
Dynamo's trace, the backend's compile (cold) or load (warm) of the pieces, the rest of the
backend (split, example inputs, index), and the first forward. A cold run starts from an empty
compile cache; the warm run after it reuses that cache, which also holds Inductor's kernel
cache (the backend points TORCHINDUCTOR_CACHE_DIR into it). A third run deletes that
inductor_cache/ first: it shows what the saved artifacts alone are worth on a CPU.

    mini-vllm compile --measure --repeats 3

(`python -m mini_vllm.compilation.measure --child DIR` is the fresh process itself.)

The cold child also counts the kernel calls Inductor generated, next to the FX op count: the
effect of fusion on the launch bill.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from mini_vllm import arguments
from mini_vllm.progress import progress

RUNS = ("cold", "warm", "warm, no inductor_cache/")
PHASES = ("import torch", "build model", "dynamo trace", "compile / load pieces", "rest of backend",
          "first forward", "total")


def child(cache_dir: str, layers: int, hidden: int, count_kernels: bool) -> dict[str, Any]:
    """One process start, timed phase by phase (runs inside the fresh process).

    One function on purpose: its timestamps are taken in line, in the order the phases run,
    from the first statement (before `import torch`) to the first forward's result.
    """
    start = time.perf_counter()
    import torch

    from mini_vllm.compilation.backend import PiecewiseBackend
    from mini_vllm.compilation.splittable_decoder import splittable_decoder

    imported = time.perf_counter()
    model = splittable_decoder(layers, hidden)
    x = torch.randn(8, hidden)
    built = time.perf_counter()

    backend = PiecewiseBackend(compiler="inductor", cache_dir=cache_dir)
    marks: dict[str, Any] = {}

    def timed_backend(gm: torch.fx.GraphModule, example_inputs: list[Any]) -> Any:
        marks["enter"] = time.perf_counter()
        compiled = backend(gm, example_inputs)
        marks["exit"] = time.perf_counter()
        marks["split_gm"], marks["example_inputs"] = compiled, example_inputs
        return compiled

    compiled_model = torch.compile(model, backend=timed_backend, fullgraph=True, dynamic=False)
    with torch.no_grad():
        out = compiled_model(x)
        done = time.perf_counter()
        assert torch.allclose(out, model(x), atol=1e-4), "the compiled model diverged from eager"
        kernels = _kernel_calls(backend, marks["split_gm"], marks["example_inputs"]) if count_kernels else None
    in_backend = marks["exit"] - marks["enter"]
    pieces_seconds = backend.compile_seconds + backend.load_seconds
    pieces = [item for item in backend.items if not item.is_splitting_graph]
    return {
        "import torch": imported - start,
        "build model": built - imported,
        "dynamo trace": marks["enter"] - built,
        "compile / load pieces": pieces_seconds,
        "rest of backend": in_backend - pieces_seconds,
        "first forward": done - marks["exit"],
        "total": done - start,
        "hits": backend.hits, "misses": backend.misses, "seconds_saved": backend.seconds_saved,
        "fx_ops": backend.num_ops, "compiled_pieces": len(pieces),
        "attention_ops": len(backend.items) - len(pieces), "inductor_kernel_calls": kernels,
    }


def _kernel_calls(backend: Any, split_gm: Any, example_inputs: list[Any]) -> int:
    """Kernel calls per step in Inductor's code for all compiled pieces (outside the timing).

    The middle pieces differ only in their placeholder names, so Inductor's own cache serves
    all but the first of them without generating code. Each piece is therefore generated
    again here with that cache off, and its kernel calls counted.
    """
    import torch._inductor.config

    from mini_vllm.compilation.compilers import compile_piece, inductor_launches, piece_inputs

    inputs = piece_inputs(split_gm, example_inputs)
    total = 0
    for item in backend.items:
        if item.is_splitting_graph:
            continue
        with torch._inductor.config.patch(fx_graph_cache=False):
            _, calls = inductor_launches(
                lambda item=item: compile_piece("inductor", item.graph, inputs[item.submod_name]))
        total += calls
    return total


def _spawn(cache_dir: Path, layers: int, hidden: int, count_kernels: bool) -> dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if k != "TORCHINDUCTOR_CACHE_DIR"}
    cmd = [sys.executable, "-m", "mini_vllm.compilation.measure", "--child", str(cache_dir),
           "--layers", str(layers), "--hidden", str(hidden)] + (["--count-kernels"] if count_kernels else [])
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    if proc.returncode:
        raise RuntimeError(f"measurement child failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def measure(repeats: int, layers: int, hidden: int) -> dict[str, list[dict[str, Any]]]:
    """`repeats` triples of process starts: cold, warm, warm without inductor_cache/."""
    runs: dict[str, list[dict[str, Any]]] = {name: [] for name in RUNS}
    for _ in progress(range(repeats), "measuring cold, warm and kernel-less starts"):
        with tempfile.TemporaryDirectory() as tmp:
            cache = Path(tmp) / "cache"
            runs["cold"].append(_spawn(cache, layers, hidden, True))
            runs["warm"].append(_spawn(cache, layers, hidden, False))
            for kernels in cache.glob("*/inductor_cache"):
                shutil.rmtree(kernels)
            runs["warm, no inductor_cache/"].append(_spawn(cache, layers, hidden, False))
    return runs


def main(argv: Sequence[str] | None = None) -> int:
    """The child's entry point: one timed process start, printed as one JSON line.

    Sizes are parsed and bounded as `mini-vllm compile` parses them; without torch, one line
    naming the extra and exit status 2.
    """
    parser = arguments.module_parser("mini_vllm.compilation.measure", __doc__.splitlines()[0])
    parser.add_argument("--child", metavar="CACHE_DIR", type=arguments.folder, required=True,
                        help="the compile cache arguments.folder (created if needed)")
    parser.add_argument("--layers", type=arguments.int_in(1, arguments.MAX_COMPILE_LAYERS), default=4,
                        help=f"decoder layers (at most {arguments.MAX_COMPILE_LAYERS})")
    parser.add_argument("--hidden", type=arguments.int_in(4, arguments.MAX_COMPILE_HIDDEN), default=64,
                        help=f"hidden size, a multiple of 4 (at most {arguments.MAX_COMPILE_HIDDEN})")
    parser.add_argument("--count-kernels", action="store_true", help="also count Inductor's kernel calls")
    args = parser.parse_args(argv)
    if args.hidden % 4:
        parser.error(f"--hidden must be a multiple of 4 (the decoder's 4 heads), got {args.hidden}")
    arguments.require(parser, "torch", "compile")
    print(json.dumps(child(args.child, args.layers, args.hidden, args.count_kernels)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
