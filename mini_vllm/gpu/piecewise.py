"""Piecewise CUDA graphs on silicon: lab-06's compiled pieces captured with lab-04's runner.

vLLM's default design in miniature. Lab-06's backend splits the traced step at attention and
compiles the pieces between; here every compiled piece is also captured as a CUDA graph by
`CudaGraphRunner` (one graph per capture size, inputs copied in), while attention runs live
between the replays. Three ways to run the same step, whose launches torch.profiler counts:
- eager: the model as written, one launch (or more) per op;
- PIECEWISE: one graph launch per compiled piece, attention live, plus the copies into each
  piece's static inputs (vLLM's pieces read the previous piece's buffers in place instead);
- FULL: the whole compiled step captured as one graph (attention inside it).
Lab-01 predicts launches per step of n (eager), pieces + attention ops (PIECEWISE) and 1
(FULL); lab-06's `launches_per_step` gives all three from the split graph.
upstream: piecewise capture of each compiled submodule is vllm/compilation/cuda_graph.py:233
(CUDAGraphWrapper.__call__) wrapped around the pieces at vllm/compilation/backends.py:1194-1198
(0.22.1).

    python -m mini_vllm.gpu.piecewise --out piecewise.json      (a CUDA GPU; --plot for a PNG)
"""

from __future__ import annotations

import json
import platform
import time
from collections.abc import Callable, Sequence
from statistics import median
from typing import TYPE_CHECKING, Any

from mini_vllm import arguments
from mini_vllm.compilation.backend import PiecewiseBackend
from mini_vllm.compilation.compilers import COMPILERS
from mini_vllm.compilation.launches import launches_per_step
from mini_vllm.compilation.partition import count_ops
from mini_vllm.gpu.cuda_graph_runner import CudaGraphRunner

if TYPE_CHECKING:  # torch is imported where it runs, so --help works without it
    import os

    import torch

LAUNCH_CALLS = ("LaunchKernel", "GraphLaunch", "Memcpy", "Memset")  # CUDA runtime/driver calls
ARMS = ("eager", "compiled", "piecewise", "full")


class GraphedPiece:
    """A compiled piece served by its own CudaGraphRunner; weights stay where they are.

    The first call decides which arguments vary per step (tensors that are not the model's
    parameters or buffers) and captures the piece for `capture_sizes` with those as inputs.
    """

    def __init__(self, piece: Callable[..., Any], capture_sizes: Sequence[int], static_ids: set[int]) -> None:
        self.piece = piece
        self.capture_sizes = list(capture_sizes)
        self.static_ids = static_ids
        self.runner: CudaGraphRunner | None = None
        self.positions: list[int] = []

    def __call__(self, *args: Any) -> Any:
        import torch

        if self.runner is None:
            self.positions = [i for i, a in enumerate(args)
                              if isinstance(a, torch.Tensor) and id(a) not in self.static_ids]
            fixed = list(args)

            def step(*varying: torch.Tensor) -> Any:
                full = list(fixed)
                for i, value in zip(self.positions, varying):
                    full[i] = value
                return self.piece(*full)

            self.runner = CudaGraphRunner(step, self.capture_sizes, progress=False)
            self.runner.capture(*(args[i] for i in self.positions))
        return self.runner(*(args[i] for i in self.positions))


def graphing_backend(backend: PiecewiseBackend, capture_sizes: Sequence[int],
                     model: torch.nn.Module) -> Callable[..., Any]:
    """A torch.compile backend: lab-06's split and compile, then every compiled piece graphed."""
    static_ids = {id(t) for t in [*model.parameters(), *model.buffers()]}

    def compile_and_graph(gm: torch.fx.GraphModule, example_inputs: Sequence[Any]) -> Any:
        split_gm = backend(gm, example_inputs)
        for item in backend.items:
            if not item.is_splitting_graph:
                piece = getattr(split_gm, item.submod_name)
                split_gm.__dict__[item.submod_name] = GraphedPiece(piece, capture_sizes, static_ids)
        return split_gm

    return compile_and_graph


def profiled_launches(call: Callable[[], Any], steps: int = 3) -> dict[str, float]:
    """Per step: CUDA launch calls the CPU made (kernels, graphs, copies, memsets) and GPU activities."""
    import torch
    from torch.profiler import ProfilerActivity, profile

    call()
    torch.cuda.synchronize()
    with profile(activities=[ProfilerActivity.CPU, ProfilerActivity.CUDA]) as prof:
        for _ in range(steps):
            call()
        torch.cuda.synchronize()
    names = [e.name for e in prof.events() if e.device_type == torch.autograd.DeviceType.CPU]
    counts = {kind: sum(kind in n for n in names) / steps for kind in LAUNCH_CALLS}
    counts["launch_calls"] = sum(counts[k] for k in LAUNCH_CALLS)
    counts["gpu_activities"] = sum(
        e.device_type == torch.autograd.DeviceType.CUDA for e in prof.events()) / steps
    return counts


def kernels_of(call: Callable[[], Any]) -> list[str]:
    """Names of the GPU activities one call launches, from torch.profiler (after a warm-up call)."""
    import torch
    from torch.profiler import ProfilerActivity, profile

    call()
    torch.cuda.synchronize()
    with profile(activities=[ProfilerActivity.CUDA]) as prof:
        call()
        torch.cuda.synchronize()
    return [e.name[:120] for e in prof.events() if e.device_type == torch.autograd.DeviceType.CUDA]


def fx_op_kinds(items: Sequence[Any]) -> dict[str, int]:
    """How many FX ops of each target the split graph holds: which launch a kernel, which are views."""
    kinds: dict[str, int] = {}
    for item in items:
        for node in item.graph.graph.nodes:
            if node.op in ("call_function", "call_method"):
                name = str(getattr(node.target, "__name__", node.target))
                kinds[name] = kinds.get(name, 0) + 1
    return dict(sorted(kinds.items(), key=lambda kv: -kv[1]))


def step_us(call: Callable[[], Any], steps: int = 100) -> float:
    """Microseconds per step over `steps` back-to-back steps (CUDA events, no sync in between)."""
    import torch

    start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    torch.cuda.synchronize()
    start.record()
    for _ in range(steps):
        call()
    end.record()
    torch.cuda.synchronize()
    return start.elapsed_time(end) * 1e3 / steps


def measure(compiler: str, tokens: int, layers: int, hidden: int, heads: int, repeats: int,
            log: Callable[[str], None] = print) -> dict[str, Any]:
    """All arms of one (compiler, tokens) configuration: launches, GPU activities, step times."""
    import torch

    from mini_vllm.compilation.splittable_decoder import splittable_decoder

    torch._dynamo.reset()
    model = splittable_decoder(layers, hidden, heads).to("cuda", torch.float16)
    x = torch.randn(tokens, hidden, device="cuda", dtype=torch.float16)
    split = PiecewiseBackend(compiler=compiler)
    piecewise = torch.compile(model, backend=graphing_backend(split, [tokens], model),
                              fullgraph=True, dynamic=False)
    whole = PiecewiseBackend(compiler=compiler)
    compiled = torch.compile(model, backend=whole, fullgraph=True, dynamic=False)
    full = CudaGraphRunner(compiled, [tokens], progress=False)
    calls: dict[str, Callable[[], Any]] = {"eager": lambda: model(x), "piecewise": lambda: piecewise(x),
                                          "full": lambda: full(x)}
    if compiler != "eager":
        calls["compiled"] = lambda: compiled(x)
    with torch.no_grad():
        start = time.perf_counter()
        want = model(x)
        got = {"piecewise": piecewise(x).clone()}
        full.capture(x)
        got["full"] = full(x).clone()
        setup_s = time.perf_counter() - start
        arms = [arm for arm in ARMS if arm in calls]
        times: dict[str, list[float]] = {arm: [] for arm in arms}
        for arm in arms:
            step_us(calls[arm], 10)
        for rep in range(repeats):
            for arm in arms[rep % len(arms):] + arms[:rep % len(arms)]:
                times[arm].append(step_us(calls[arm]))
        launches = {arm: profiled_launches(calls[arm]) for arm in arms}
        q, k, v = torch.randn(tokens, 3 * hidden, device="cuda", dtype=torch.float16).chunk(3, dim=-1)
        island = kernels_of(lambda: torch.ops.minivllm.attention(q, k, v, heads))
    pieces = sum(not item.is_splitting_graph for item in split.items)
    attention_ops = sum(count_ops(item.graph) for item in split.items if item.is_splitting_graph)
    entry = {
        "compiler": compiler, "tokens": tokens, "fx_ops": split.num_ops, "pieces": pieces,
        "attention_ops": attention_ops,
        "lab01_prediction": {arm: launches_per_step(split.items, mode)
                             for arm, mode in (("eager", "NONE"), ("piecewise", "PIECEWISE"), ("full", "FULL"))},
        "fx_op_kinds": fx_op_kinds(split.items),
        "attention_op_kernels": island,
        "launches": launches,
        "step_us": {arm: {"median": median(t), "low": min(t), "high": max(t), "samples": t}
                    for arm, t in times.items()},
        "max_abs_error": {arm: (got[arm] - want).abs().max().item() for arm in got},
        "setup_s": setup_s,
    }
    log(f"{compiler:>9} tokens {tokens:>4}: fx ops {split.num_ops}, pieces {pieces}, attention "
        f"ops {attention_ops}; launch calls/step " + ", ".join(
            f"{arm} {launches[arm]['launch_calls']:.0f}" for arm in arms)
        + "; us/step " + ", ".join(f"{arm} {median(times[arm]):.0f}" for arm in arms))
    return entry


def run(compilers: Sequence[str], tokens: Sequence[int], layers: int, hidden: int, heads: int,
        repeats: int) -> dict[str, Any]:
    """Every compiler at every token count; the JSON-ready result."""
    import torch

    if not torch.cuda.is_available():
        raise RuntimeError("piecewise CUDA graphs need a CUDA GPU (torch.cuda.is_available() is False)")
    entries = [measure(c, t, layers, hidden, heads, repeats) for c in compilers for t in tokens]
    return {"schema": "mini-vllm/lab06-piecewise/1", "device": torch.cuda.get_device_name(),
            "versions": {"torch": torch.__version__, "cuda": str(torch.version.cuda),
                         "python": platform.python_version()},
            "config": {"layers": layers, "hidden": hidden, "heads": heads, "dtype": "float16",
                       "repeats": repeats, "steps_per_repeat": 100},
            "runs": entries}


def plot(results: dict[str, Any], out: str | os.PathLike[str]) -> None:
    """Launch calls per step (bars, measured vs lab-01) and step time, per arm, for each run."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    runs = results["runs"]
    fig, axes = plt.subplots(2, len(runs), figsize=(3.2 * len(runs), 6), squeeze=False)
    for col, entry in enumerate(runs):
        arms = [arm for arm in ARMS if arm in entry["launches"]]
        measured = [entry["launches"][arm]["launch_calls"] for arm in arms]
        predicted = [entry["lab01_prediction"].get(arm, float("nan")) for arm in arms]
        xs = range(len(arms))
        ax = axes[0][col]
        ax.bar([x - 0.2 for x in xs], measured, 0.4, label="measured (profiler)")
        ax.bar([x + 0.2 for x in xs], predicted, 0.4, label="lab-01 prediction")
        ax.set_xticks(list(xs), arms, fontsize=8)
        ax.set_yscale("log")
        ax.set_title(f"{entry['compiler']}, {entry['tokens']} tokens", fontsize=9)
        if col == 0:
            ax.set_ylabel("launch calls per step")
            ax.legend(fontsize=7)
        ax = axes[1][col]
        s = [entry["step_us"][arm] for arm in arms]
        ax.bar(list(xs), [v["median"] for v in s],
               yerr=[[v["median"] - v["low"] for v in s], [v["high"] - v["median"] for v in s]], capsize=3)
        ax.set_xticks(list(xs), arms, fontsize=8)
        if col == 0:
            ax.set_ylabel("us per step (median, min-max)")
    fig.suptitle(f"piecewise CUDA graphs over lab-06's backend: {results['device']}", fontsize=10)
    fig.tight_layout()
    fig.savefig(out, dpi=110)
    plt.close(fig)


def main(argv: list[str] | None = None) -> int:
    """Parse and bound every size like `mini-vllm` does, check for torch and a GPU, then run."""
    p = arguments.module_parser("mini_vllm.gpu.piecewise", __doc__.splitlines()[0])
    p.add_argument("--out", type=arguments.output_file, required=True, help="the JSON to write")
    p.add_argument("--plot", type=arguments.chart_file, help="also draw a PNG here")
    p.add_argument("--compilers", nargs="+", choices=COMPILERS, default=["eager", "inductor"],
                   help="how each piece is compiled")
    p.add_argument("--tokens", type=arguments.int_in(1, arguments.MAX_BENCH_BATCH), nargs="+", default=[1, 16, 128],
                   help=f"tokens per step, one captured size each (at most {arguments.MAX_BENCH_BATCH})")
    p.add_argument("--layers", type=arguments.int_in(1, arguments.MAX_COMPILE_LAYERS), default=4,
                   help=f"decoder layers (at most {arguments.MAX_COMPILE_LAYERS})")
    p.add_argument("--hidden", type=arguments.int_in(1, arguments.MAX_COMPILE_HIDDEN), default=256,
                   help=f"hidden size, a multiple of --heads (at most {arguments.MAX_COMPILE_HIDDEN})")
    p.add_argument("--heads", type=arguments.int_in(1, arguments.MAX_COMPILE_HIDDEN), default=4, help="attention heads")
    p.add_argument("--repeats", type=arguments.int_in(1, arguments.MAX_BENCH_REPEATS), default=7,
                   help=f"interleaved repeats of 100 steps per arm (at most {arguments.MAX_BENCH_REPEATS})")
    args = p.parse_args(argv)
    if args.hidden % args.heads:
        p.error(f"--hidden must be a multiple of --heads, got --hidden {args.hidden} --heads {args.heads}")
    if args.plot is not None:
        arguments.require(p, "matplotlib", "plot")
    arguments.require_cuda(p)
    results = run(args.compilers, args.tokens, args.layers, args.hidden, args.heads, args.repeats)
    with open(args.out, "w") as f:
        json.dump(results, f, indent=1)
    if args.plot:
        plot(results, args.plot)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
