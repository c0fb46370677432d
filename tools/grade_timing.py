"""Time `mini-vllm grade` on a class: 100 lab-03 submissions, graded two at a time on two cores.

The class is built from files the repository already has: correct independent files (they run
every test, as a near-correct file does) and the untouched starter, cycled to 100, of which
three are hostile instead: an infinite loop in one function, an exit at import, a patched numpy.
The known-bug variants in chaffs/ are not used: they import the reference, which the grading
sandbox hides, so they would fail at import in no time. The run is pinned to two cores where
the machine has more, and reports wall time, CPU time, the load, the sandbox used, and the
scores' spread so a wrong run cannot pass for a fast one.
Usage: python tools/grade_timing.py [--count 100] [--jobs 2] [--lab 03]
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HOSTILE = {
    "loops.py": "\ndef routing_table():\n    while True:\n        pass\n",
    "exits.py": "\nimport os\nos._exit(0)\n",
    "patches.py": "\nimport numpy\nnumpy.array_equal = lambda *a, **k: True\n",
}


def build_class(lab: Path, count: int, folder: Path) -> None:
    sources = sorted((lab / "independent").glob("*.py")) * 8 + [lab / "starter.py"]  # lab-03: 1 file, so 1 starter in 9
    texts = [(lab / "starter.py").read_text() + extra for extra in HOSTILE.values()]
    texts += [sources[i % len(sources)].read_text() for i in range(count - len(texts))]
    for i, text in enumerate(texts):
        (folder / f"student_{i:03d}.py").write_text(text)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--lab", default="03")
    args = parser.parse_args(argv)
    if hasattr(os, "sched_setaffinity") and len(os.sched_getaffinity(0)) > 2:
        os.sched_setaffinity(0, sorted(os.sched_getaffinity(0))[:2])  # children inherit it
    from mini_vllm.grading.grader import resolve_lab
    from mini_vllm.grading.sandbox import isolation

    lab = resolve_lab(args.lab)
    with tempfile.TemporaryDirectory() as tmp:
        folder, out = Path(tmp) / "class", Path(tmp) / "grades.csv"
        folder.mkdir()
        build_class(lab, args.count, folder)
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "mini_vllm.cli", "grade", args.lab, str(folder), "--jobs", str(args.jobs),
                        "--format", "csv", "--out", str(out)], check=True, capture_output=True, timeout=3600)
        wall = time.perf_counter() - start
        rows = [line.split(",") for line in out.read_text().splitlines()[1:]]
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    scores = Counter(row[2] for row in rows)
    print(f"{lab.name}: {len(rows)} submissions, --jobs {args.jobs}, on {len(os.sched_getaffinity(0))} cores "
          f"(load average {os.getloadavg()[0]:.1f}), sandbox: {isolation()}")
    print(f"wall {wall:.1f} s, CPU {usage.ru_utime + usage.ru_stime:.1f} s "
          f"({wall / len(rows):.2f} s wall per submission)")
    print("scores (score: submissions):", ", ".join(f"{s}: {n}" for s, n in sorted(scores.items())))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
