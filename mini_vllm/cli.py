"""The `mini-vllm` command: each subcommand makes one idea of the phase visible in a terminal.

Every subcommand is a pair: `_add_<name>(subparsers)` declares its flags and `_run_<name>(args)`
prints. The engine's logic stays in its module; this file only parses and formats.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

import numpy as np

from mini_vllm.cudagraph import GraphRunner, PiecewiseGraphRunner, eager
from mini_vllm.toy_model import toy_decoder


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
    ops, is_attention = toy_decoder(args.layers)
    rng = np.random.default_rng(args.seed)
    batches = rng.integers(1, args.max_batch + 1, size=args.steps).tolist()
    full = GraphRunner(ops, capture_sizes=sorted(set(args.sizes)))
    piecewise = PiecewiseGraphRunner(ops, is_attention, capture_sizes=sorted(set(args.sizes)))
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
          f"batches in 1..{args.max_batch}, capture sizes {sorted(set(args.sizes))}")
    above = sum(b > max(args.sizes) for b in batches)
    print(f"{'runner':<10} {'launches/warm step':>19} {'launches (total)':>17} {'captures':>9} {'replays':>8}")
    print(f"{'eager':<10} {len(ops):>19} {len(ops) * len(batches):>17} {0:>9} {0:>8}")
    for name, runner in (("FULL", full), ("PIECEWISE", piecewise)):
        warm = warm_step.get(name, "-")
        print(f"{name:<10} {warm:>19} {runner.launches:>17} {runner.captures:>9} {runner.replays:>8}")
    print(f"every output matched eager; {above} of {len(batches)} steps were above the ladder and ran "
          f"eagerly; a warm PIECEWISE step is {len(piecewise.runners)} pieces + {args.layers} attention ops")
    return 0


COMMANDS = (_add_simulate,)


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
