"""The `mini-vllm` command: each subcommand makes one idea of the phase visible in a terminal.

Every subcommand is a pair: `_add_<name>(subparsers)` declares its flags and `_run_<name>(args)`
prints. The engine's logic stays in its module; this file only parses and formats.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

import numpy as np

from mini_vllm.capture_sizes import capture_sizes_for, default_capture_sizes
from mini_vllm.cudagraph_dispatcher import RUNNERS, CudagraphDispatcher, capture_log
from mini_vllm.cudagraph_mode import CUDAGraphMode
from mini_vllm.graph_simulator import GraphRunner, PiecewiseGraphRunner, eager
from mini_vllm.launch_cost import crossover_table
from mini_vllm.numpy_decoder import numpy_decoder_ops
from mini_vllm.presentation.crossover import format_crossover_table, plot_per_call_cost
from mini_vllm.presentation.ladder import format_ladder_report, plot_padding_waste
from mini_vllm.presentation.modes import format_dispatch, format_routing_table
from mini_vllm.vllm_versions import SUPPORTED_VLLM_VERSIONS


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be >= 1, got {value}")
    return value


# --- simulate: eager vs FULL vs PIECEWISE on a toy decode loop --------------------------------


def _add_simulate(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("simulate", help="a toy decode loop, eager vs captured: launches per step")
    p.add_argument("--layers", type=_positive_int, default=4, help="decoder layers (10 ops each)")
    p.add_argument("--steps", type=_positive_int, default=32, help="decode steps to run")
    p.add_argument("--max-batch", type=_positive_int, default=8, help="batches drawn from 1..max")
    p.add_argument("--sizes", type=_positive_int, nargs="+", default=[1, 2, 4, 8],
                   help="capture sizes (the ladder); batches pad up to the next one")
    p.add_argument("--seed", type=int, default=0)
    p.set_defaults(run=_run_simulate)


def _run_simulate(args: argparse.Namespace) -> int:
    ops, is_attention = numpy_decoder_ops(args.layers)
    rng = np.random.default_rng(args.seed)
    batches = rng.integers(1, args.max_batch + 1, size=args.steps).tolist()
    ladder = sorted(set(args.sizes))
    full = GraphRunner(ops, capture_sizes=ladder)
    piecewise = PiecewiseGraphRunner(ops, is_attention, capture_sizes=ladder)
    warm_step: dict[str, int] = {}  # launches of a step that replayed (no capture, on the ladder)
    for batch in batches:
        x = rng.standard_normal((batch, 16))
        want = eager(ops, x)
        for name, runner in (("FULL", full), ("PIECEWISE", piecewise)):
            launches, captures, replays = runner.launches, runner.captures, runner.replays
            assert np.allclose(runner(x), want), f"{name} diverged from eager"
            if runner.captures == captures and runner.replays > replays:
                warm_step[name] = runner.launches - launches

    print(f"decode loop: {args.layers} layers x 10 ops = {len(ops)} ops/step, {args.steps} steps, "
          f"batches in 1..{args.max_batch}, capture sizes {ladder}")
    above = sum(b > ladder[-1] for b in batches)
    print(f"{'runner':<10} {'launches/warm step':>19} {'launches (total)':>17} {'captures':>9} {'replays':>8}")
    print(f"{'eager':<10} {len(ops):>19} {len(ops) * len(batches):>17} {0:>9} {0:>8}")
    for name, runner in (("FULL", full), ("PIECEWISE", piecewise)):
        warm = warm_step.get(name, "-")
        print(f"{name:<10} {warm:>19} {runner.launches:>17} {runner.captures:>9} {runner.replays:>8}")
    print(f"every output matched eager; {above} of {len(batches)} steps were above the ladder and ran "
          f"eagerly; a warm PIECEWISE step is {len(piecewise.runners)} pieces + {args.layers} attention ops")
    return 0


# --- crossover: when a graph pays back its capture, as a table and a chart ---------------------


def _add_crossover(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("crossover", help="the first call at which a graph has used fewer launches")
    p.add_argument("--num-ops", type=_positive_int, nargs="+", default=[1, 4, 32, 300],
                   help="ops (kernel launches) per eager call")
    p.add_argument("--capture", type=_positive_int, nargs="+", default=[1, 5],
                   help="capture cost as a multiple of one eager pass")
    p.set_defaults(run=_run_crossover)


def _run_crossover(args: argparse.Namespace) -> int:
    print(format_crossover_table(crossover_table(args.num_ops, args.capture)))
    return 0


def _add_crossover_chart(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("crossover-chart", help="plot launches per call vs k, crossovers marked (PNG)")
    p.add_argument("--out", required=True, help="where to write the PNG")
    p.add_argument("--num-ops", type=_positive_int, nargs="+", default=[3, 30, 300])
    p.add_argument("--capture", type=_positive_int, default=3,
                   help="capture cost as a multiple of one eager pass")
    p.add_argument("--max-calls", type=_positive_int, default=12)
    p.set_defaults(run=_run_crossover_chart)


def _run_crossover_chart(args: argparse.Namespace) -> int:
    plot_per_call_cost(args.out, args.num_ops, args.capture, args.max_calls)
    print(f"wrote {args.out}")
    return 0


# --- ladder: which rung a batch replays at, and what the padding costs ------------------------


def _add_ladder(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("ladder", help="the capture-size ladder: which graph a batch replays, and its padding")
    p.add_argument("--max", type=_positive_int, default=512,
                   help="capture max (max_cudagraph_capture_size); the ladder is default_capture_sizes(max)")
    p.add_argument("--batch", type=_positive_int, help="a batch size to look up on the ladder")
    p.add_argument("--max-num-seqs", type=_positive_int,
                   help="derive the ladder from a deployment instead (with --max-num-batched-tokens)")
    p.add_argument("--max-num-batched-tokens", type=_positive_int, default=8192,
                   help="the deployment's token budget per step (used with --max-num-seqs)")
    _add_version_args(p)
    p.set_defaults(run=_run_ladder)


def _run_ladder(args: argparse.Namespace) -> int:
    if args.max_num_seqs is None:
        sizes = default_capture_sizes(args.max, vllm_version=args.vllm_version)
        origin = f"default_capture_sizes({args.max})"
    else:
        sizes = capture_sizes_for(args.max_num_seqs, args.max_num_batched_tokens, vllm_version=args.vllm_version,
                                  compute_capability=args.compute_capability)
        cap = 1024 if args.vllm_version == "0.33.0" and (args.compute_capability or (0,))[0] == 10 else 512
        top = min(2 * args.max_num_seqs, cap, args.max_num_batched_tokens)
        origin = (f"capture_sizes_for(max_num_seqs={args.max_num_seqs}, "
                  f"max_num_batched_tokens={args.max_num_batched_tokens}): "
                  f"max = min(2 x {args.max_num_seqs}, {cap}, {args.max_num_batched_tokens}) = {top}")
        if args.vllm_version == "0.33.0" and args.max_num_seqs <= top:
            origin += f", plus max_num_seqs={args.max_num_seqs} as a rung (0.33.0)"
    print(format_ladder_report(sizes, origin, args.batch, args.max_num_seqs))
    return 0


def _add_ladder_chart(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("ladder-chart", help="plot padding waste vs batch size for three ladders (PNG)")
    p.add_argument("--out", required=True, help="where to write the PNG")
    p.add_argument("--max", type=_positive_int, default=512, help="capture max of every ladder")
    p.set_defaults(run=_run_ladder_chart)


def _run_ladder_chart(args: argparse.Namespace) -> int:
    shares = plot_padding_waste(args.out, args.max)
    for name, share in shares.items():
        print(f"{name:<34} {share:6.2%} of computed rows are padding (uniform traffic 1..{args.max})")
    print(f"wrote {args.out}")
    return 0


# --- modes, dispatch, capture-log: the CUDAGraphMode policy, per batch and at start-up ---------

_MODE_NAMES = [m.name for m in CUDAGraphMode]


def _mode_arg(text: str) -> str:
    if text.upper() not in _MODE_NAMES:
        raise argparse.ArgumentTypeError(f"must be one of {', '.join(_MODE_NAMES)} (any case), got {text!r}")
    return text.upper()


def _capability_arg(text: str) -> tuple[int, int]:
    major, dot, minor = text.partition(".")
    if not (major.isdigit() and dot and minor.isdigit()):
        raise argparse.ArgumentTypeError(f"must read MAJOR.MINOR, e.g. 9.0 or 10.0, got {text!r}")
    return int(major), int(minor)


def _add_version_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--vllm-version", choices=SUPPORTED_VLLM_VERSIONS, default="0.22.1",
                   help="whose ladder rules: 0.22.1 (the course's) or 0.33.0 (today's release)")
    p.add_argument("--compute-capability", type=_capability_arg, metavar="MAJOR.MINOR",
                   help="the GPU's, e.g. 10.0 (0.33.0 captures up to 1024 on 10.x)")


def _add_deployment_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--mode", type=_mode_arg, default="FULL_AND_PIECEWISE",
                   help="cudagraph_mode, by name in any case (default: 0.22.1's O2 default)")
    p.add_argument("--max-num-seqs", type=_positive_int, default=256,
                   help="max_num_seqs (256 is the offline LLM default on a GPU under 70 GiB, e.g. an L4)")
    p.add_argument("--max-num-batched-tokens", type=_positive_int, default=8192,
                   help="max_num_batched_tokens (8192 is the offline LLM default on an L4)")
    _add_version_args(p)


def _deployment(args: argparse.Namespace) -> tuple[list[int], str]:
    sizes = capture_sizes_for(args.max_num_seqs, args.max_num_batched_tokens, vllm_version=args.vllm_version,
                              compute_capability=args.compute_capability)
    return sizes, (f"{args.mode}, max_num_seqs={args.max_num_seqs}: {len(sizes)} capture sizes "
                   f"{sizes[0]}..{sizes[-1]} (capture_sizes_for)")


def _add_modes(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("modes", help="the routing table: what runs decode and mixed batches per mode")
    p.set_defaults(run=_run_modes)


def _run_modes(args: argparse.Namespace) -> int:
    print(format_routing_table())
    return 0


def _add_dispatch(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("dispatch", help="the runtime mode and padded BatchDescriptor of one batch")
    p.add_argument("--tokens", type=_positive_int, required=True, help="tokens in the batch")
    p.add_argument("--uniform", action="store_true", help="a uniform decode batch (1 token per request)")
    p.add_argument("--invalid", type=_mode_arg, nargs="+", default=[],
                   help="runtime modes this batch may not use (FULL for cascade attention)")
    _add_deployment_args(p)
    p.set_defaults(run=_run_dispatch)


def _run_dispatch(args: argparse.Namespace) -> int:
    sizes, origin = _deployment(args)
    dispatcher = CudagraphDispatcher(args.mode, sizes, args.max_num_seqs)
    print(origin)
    print(format_dispatch(dispatcher, args.tokens, args.uniform, {CUDAGraphMode[m] for m in args.invalid}))
    return 0


def _add_capture_log(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("capture-log", help="the capture passes vLLM prints at start-up, per mode")
    _add_deployment_args(p)
    p.add_argument("--runner", choices=RUNNERS, default="v1",
                   help="the model runner's wording: v1, or v2 (Model Runner V2, 0.33.0's default)")
    p.set_defaults(run=_run_capture_log)


def _run_capture_log(args: argparse.Namespace) -> int:
    sizes, origin = _deployment(args)
    lines = capture_log(args.mode, sizes, args.max_num_seqs, runner=args.runner)
    total = sum(int(line.rsplit("/", 1)[1]) for line in lines)
    print(f"{origin}: {len(lines)} capture passes, {total} graphs")
    for line in lines:
        print(line)
    if not lines:
        print("nothing is captured; vLLM logs 'Skipping CUDA graph capture' instead")
    return 0


# --- bench: lab-04's twin on a GPU (or the report of a saved run, on any machine) -------------


def _add_bench(sub: argparse._SubParsersAction) -> None:
    from mini_vllm.bench_analysis import TWIN_ARMS

    p = sub.add_parser("bench", help="lab-04's twin on a CUDA GPU: eager vs graphs vs compile, measured")
    p.add_argument("--batch-sizes", type=_positive_int, nargs="+", default=[1, 8, 64, 256])
    p.add_argument("--steps", type=_positive_int, default=128, help="decode steps per timed repeat")
    p.add_argument("--repeats", type=_positive_int, default=5, help="interleaved repeats per arm and batch")
    p.add_argument("--arms", nargs="+", choices=TWIN_ARMS, default=list(TWIN_ARMS),
                   help="arms to run (eager is the baseline and always needed)")
    p.add_argument("--out", help="write the result JSON here")
    p.add_argument("--plot", help="write the speedup plot (PNG) here")
    p.add_argument("--from", dest="from_json", metavar="JSON",
                   help="report a saved result file instead of measuring (no GPU needed)")
    p.set_defaults(run=_run_bench)


def _run_bench(args: argparse.Namespace) -> int:
    import json
    import sys

    from mini_vllm.bench_analysis import load_results
    from mini_vllm.presentation.bench import format_report, plot_speedups

    if args.from_json:
        results = load_results(args.from_json)
    else:
        from mini_vllm.gpu.bench import BenchConfig, run_benchmark  # torch is imported here only

        config = BenchConfig(tuple(args.batch_sizes), args.steps, args.repeats, tuple(args.arms))
        results = run_benchmark(config, log=lambda line: print(line, file=sys.stderr))
        if args.out:
            with open(args.out, "w") as f:
                json.dump(results, f, indent=1)
                f.write("\n")
    if args.plot:
        plot_speedups(results, args.plot)
    print(format_report(results))
    return 0


# --- compile: lab-06's piecewise torch.compile backend on the CPU (needs torch) ---------------


def _add_compile(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("compile", help="lab-06: piecewise torch.compile of a tiny decoder on the CPU (needs torch)")
    p.add_argument("--layers", type=_positive_int, default=2, help="decoder layers (attention calls)")
    p.add_argument("--hidden", type=_positive_int, default=32, help="hidden size (a multiple of 4)")
    p.add_argument("--compiler", choices=("eager", "aot_eager", "inductor"), default="eager")
    p.add_argument("--cache-dir", help="keep compiled pieces here; run twice to see the hits")
    p.add_argument("--steps", type=_positive_int, default=100, help="steps for the launch accounting")
    p.add_argument("--measure", action="store_true",
                   help="instead: time cold vs warm process starts with Inductor (fresh processes)")
    p.add_argument("--repeats", type=_positive_int, default=3, help="with --measure: repeats")
    p.set_defaults(run=_run_compile)


def _run_compile(args: argparse.Namespace) -> int:
    if args.measure:
        from mini_vllm.compilation.measure import measure
        from mini_vllm.presentation.compile_report import format_measure_report

        runs = measure(args.repeats, args.layers, args.hidden)
        print(format_measure_report(runs, args.layers, args.hidden))
        return 0
    from mini_vllm.presentation.compile_report import compile_demo  # torch is imported when it runs

    print(compile_demo(args.layers, args.hidden, args.compiler, args.cache_dir, args.steps))
    return 0


COMMANDS = (_add_simulate, _add_crossover, _add_crossover_chart, _add_ladder, _add_ladder_chart,
            _add_modes, _add_dispatch, _add_capture_log, _add_bench,
            _add_compile)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="mini-vllm", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for add in COMMANDS:
        add(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    raise SystemExit(main())
