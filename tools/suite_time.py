"""How long the README's lab command takes, as a student's shell sees it: whole processes.

    python tools/suite_time.py            # 7 timed runs after one warm-up run
    python tools/suite_time.py --runs 15

Runs `python -m pytest phase-05-cuda-graphs-and-torch-compile/labs -m "not gpu"` from the
repository root, each in a fresh process, and prints the median [min-max] wall time, the
median CPU time (user + sys, which a busy machine inflates less than wall time), the load
average, and the modules the command imported that it must not (torch, hypothesis). The
warm-up run writes the bytecode caches a student's second run finds.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import shlex
import statistics
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
COMMAND = ["-m", "pytest", "phase-05-cuda-graphs-and-torch-compile/labs", "-m", "not gpu", "-q"]
# Imported in the same process as the suite, after it: what the command pulled in.
PROBE = ("import sys, pytest; rc = pytest.main({args!r}); "
         "print(sorted({{m.split('.')[0] for m in sys.modules}} & {{'torch', 'hypothesis'}}))")


def timed_run(env: dict[str, str]) -> tuple[float, float]:
    """One whole-process run of the command: (wall seconds, CPU seconds)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([sys.executable, *COMMAND], cwd=ROOT, env=env, check=True, capture_output=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, choices=range(1, 101), metavar="N",
                        help="timed runs, 1 to 100 (default 7)")
    runs = parser.parse_args(argv).runs
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    probe = subprocess.run([sys.executable, "-c", PROBE.format(args=COMMAND[2:])], cwd=ROOT,
                           env=env, check=True, capture_output=True, text=True)
    walls, cpus = zip(*(timed_run(env) for _ in range(runs)))
    print(f"{shlex.join(['python', *COMMAND])}: {runs} runs, Python {platform.python_version()}, "
          f"pytest {pytest.__version__}, {os.cpu_count()} CPUs, load average after "
          f"{os.getloadavg()[0]:.1f}")
    print(f"wall median {statistics.median(walls):.2f} s [{min(walls):.2f}-{max(walls):.2f}], "
          f"CPU median {statistics.median(cpus):.2f} s; torch or hypothesis imported: "
          f"{probe.stdout.strip().splitlines()[-1]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
