"""How fast `mini-vllm explain-log` and `mini-vllm tune` read a big deployment, in whole processes.

explain-log reads a log of about --log-mb MB made of the committed metrics-wide.log repeated (a
server that ran for days logs stats tables, request lines and bars over and over); tune reads a
CSV of --batches batch sizes drawn from a skewed distribution. Each command runs --repeats times
as a fresh process; the report gives the median [min-max] wall time and the largest peak RSS
(the child's ru_maxrss), which is what "bounded memory" means for a streamed log.
Usage: python tools/bench_deployment.py [--log-mb 100] [--batches 1000000] [--repeats 3]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LOG = ROOT / "phase-05-cuda-graphs-and-torch-compile/labs/lab-07-read-a-deployment/logs/metrics-wide.log"


def run(argv: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one fresh `python -m mini_vllm ...` process."""
    start = time.perf_counter()
    pid = os.posix_spawn(sys.executable, [sys.executable, "-m", "mini_vllm", *argv],
                         {**os.environ, "PYTHONPATH": str(ROOT)},
                         file_actions=[(os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0)])
    _, status, usage = os.wait4(pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"mini-vllm {argv[0]} failed")
    return time.perf_counter() - start, usage.ru_maxrss / 1024


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--log-mb", type=int, default=100)
    p.add_argument("--batches", type=int, default=1_000_000)
    p.add_argument("--repeats", type=int, default=3)
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        big, csv = Path(tmp) / "big.log", Path(tmp) / "batches.csv"
        chunk = LOG.read_bytes()
        with open(big, "wb") as f:
            for _ in range(max(1, args.log_mb * 2**20 // len(chunk))):
                f.write(chunk)
        rng = random.Random(0)
        csv.write_text("".join(f"{min(512, int(rng.lognormvariate(3.5, 1.0)) + 1)}\n" for _ in range(args.batches)))
        size_mb = big.stat().st_size / 2**20
        for name, argv in ((f"explain-log, {size_mb:.0f} MB log", ["explain-log", str(big)]),
                           (f"tune, {args.batches:,} batch sizes", ["tune", str(csv)])):
            runs = [run(argv) for _ in range(args.repeats)]
            walls = [w for w, _ in runs]
            print(f"{name}: {statistics.median(walls):.2f} s [{min(walls):.2f}-{max(walls):.2f}], "
                  f"peak RSS {max(m for _, m in runs):.0f} MB ({args.repeats} fresh processes)")
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
