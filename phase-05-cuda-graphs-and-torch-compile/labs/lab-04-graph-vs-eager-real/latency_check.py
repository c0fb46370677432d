"""Lab 04 cross-check: vLLM's own latency benchmark on the same A/B as run.py.

run.py is our harness; a harness can be wrong in ways its author cannot see. This script runs
upstream's benchmark instead, through its argparse entry (vllm.benchmarks.latency: add_cli_args
and main; the `vllm bench latency` front end would import the API server and its extra
dependencies), once per arm and batch size, each in a fresh process: enforce_eager=True against
the default, input 6 tokens, output 128, the offline OPT-125m config with dummy weights. Its
ratio of median batch latencies is the speed-up to put beside run.py's.

    python latency_check.py --out /tmp/latency          (vLLM 0.22.1 and a CUDA GPU)

upstream: vllm/benchmarks/latency.py (add_cli_args, main; 0.22.1).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path
from statistics import median

from run import ARMS, DEFAULT_OUT, OFFLINE_MODEL

ENTRY = ("import sys; from argparse import ArgumentParser; "
         "from vllm.benchmarks.latency import add_cli_args, main; "
         "p = ArgumentParser(); add_cli_args(p); main(p.parse_args(sys.argv[1:]))")


def bench_argv(arm: str, batch: int, args: argparse.Namespace, out: Path) -> list[str]:
    """The latency benchmark's own flags for one arm at one batch size."""
    argv = ["--model", str(OFFLINE_MODEL), "--load-format", "dummy", "--skip-tokenizer-init",
            "--disable-detokenize", "--dtype", "float16", "--input-len", str(args.input_len),
            "--output-len", str(args.output_len), "--batch-size", str(batch),
            "--num-iters-warmup", str(args.warmup), "--num-iters", str(args.iters),
            "--max-model-len", "512", "--gpu-memory-utilization", "0.5", "--seed", "0",
            "--output-json", str(out)]
    return argv + (["--enforce-eager"] if ARMS[arm] else [])


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--batch-sizes", type=int, nargs="+", default=[1, 8, 64])
    p.add_argument("--input-len", type=int, default=6)
    p.add_argument("--output-len", type=int, default=128)
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--iters", type=int, default=10)
    p.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = p.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    latencies: dict[str, dict[str, list[float]]] = {arm: {} for arm in ARMS}
    for batch in args.batch_sizes:
        for arm in ARMS:
            name = f"latency-{arm.replace('+', '-')}-b{batch}"
            print(f"[latency_check] {arm} batch {batch}", file=sys.stderr, flush=True)
            with open(args.out / f"{name}.log", "w") as log:
                proc = subprocess.run([sys.executable, "-c", ENTRY, *bench_argv(arm, batch, args, args.out / f"{name}.json")],
                                      stdout=log, stderr=subprocess.STDOUT)
            if proc.returncode != 0:
                raise SystemExit(f"{name} failed (exit {proc.returncode}); see {args.out / name}.log")
            latencies[arm][str(batch)] = json.loads((args.out / f"{name}.json").read_text())["latencies"]
    rows = {b: median(latencies["eager"][b]) / median(latencies["compile+graphs"][b]) for b in latencies["eager"]}
    result = {"source": "vllm.benchmarks.latency", "config": vars(args) | {"out": str(args.out)},
              "latencies_s": latencies, "speedup": rows}
    (args.out / "latency.json").write_text(json.dumps(result, indent=1) + "\n")
    for batch, ratio in rows.items():
        print(f"batch {batch}: eager {median(latencies['eager'][batch]):.3f} s, default "
              f"{median(latencies['compile+graphs'][batch]):.3f} s -> {ratio:.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
