"""The instructor check: proof that every lab's tests can fail, do fail on known bugs, and pass correct code.

Four claims, each checked by running the lab's tests in a fresh pytest process:
1. On the untouched starters, collection is clean and every graded test fails with
   NotImplementedError in the test body (not an import, fixture or assertion error).
2. On the solutions, every test passes (tests skipped for want of a GPU or torch are listed).
3. Every known-bug variant in a lab's chaffs/ folder is caught by each test it names, and
   costs at least 10 of 100 points under the lab's grading.toml (whose names must all exist).
4. Every independent correct file in a lab's independent/ folder passes every test.

An independent file is a correct implementation written from the lab's README and starter.py
alone, never from the reference (it keeps the starter's header and style). A test that fails it
rejects correct student code, a bug the reference alone can never reveal.

A chaff is a .py file with the lab's API and one plausible bug. Its docstring's first line says
what the bug is; `CAUGHT_BY = ["test_name", ...]` names the tests that must fail on it, and only
those tests run against it (on a GPU, a chaff of the analysis never waits for CUDA tests).
Progress goes to stderr, one line per finished run, so a slow GPU check is never silent.
With --judge every run is in judge mode (LAB_JUDGE=1: the file runs in a worker process, the tests
call it through the channel), on the labs graded that way (grading.toml's verdict), so that each
claim holds for the grader as for a student's plain run.
Usage: python tools/instructor_check.py [--judge] [lab-dir ...]   (default: every lab)
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

from mini_vllm.grading import labconfig, points
from mini_vllm.grading.points import function_of  # a chaff names a parametrized test once

ROOT = Path(__file__).resolve().parents[1]
LABS = ROOT / "phase-05-cuda-graphs-and-torch-compile" / "labs"
# Every pytest run here is bounded: a hung lab is a failure with a reason, never a hung check.
RUN_TIMEOUT_S = 600
# On a GPU runner (or CI's torch step) a skipped test proves nothing, so a skip is a problem.
SKIPS_FORBIDDEN = "1" in (os.environ.get("LAB_REQUIRE_GPU"), os.environ.get("LAB_REQUIRE_TORCH"))
MIN_CHAFF_COST = Fraction(10)  # of 100 points: a conceptual bug must cost a real share of the grade
STARTED = time.perf_counter()
_progress_lock = threading.Lock()


def progress(line: str) -> None:
    """One line on stderr with the seconds since the check began (threads never interleave)."""
    with _progress_lock:
        print(f"[{time.perf_counter() - STARTED:6.1f} s] {line}", file=sys.stderr, flush=True)


@dataclass
class Chaff:
    path: Path
    bug: str
    caught_by: list[str]


@dataclass
class Report:
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def run_lab(lab: Path, impl: str, tests: list[str] | None = None) -> dict[str, dict]:
    """Run one lab's tests (all, or only the test functions named) under LAB_IMPL=impl;
    return {test name: outcome record}."""
    targets = [f"{lab / 'test_lab.py'}::{test}" for test in tests] if tests else [str(lab)]
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "results.json"
        env = {**os.environ, "LAB_IMPL": impl, "LAB_RESULTS_JSON": str(out)}
        try:
            proc = subprocess.run(
                [sys.executable, "-m", "pytest", *targets, "-q", "--tb=no", "-p", "no:randomly", "-p", "no:cacheprovider"],
                cwd=ROOT, env=env, capture_output=True, text=True, timeout=RUN_TIMEOUT_S,
            )
        except subprocess.TimeoutExpired:
            raise RuntimeError(f"pytest on {lab.name} with LAB_IMPL={impl} ran over {RUN_TIMEOUT_S} s") from None
        if not out.exists():
            tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-15:])
            raise RuntimeError(f"pytest on {lab.name} with LAB_IMPL={impl} produced no results:\n{tail}")
        results = json.loads(out.read_text())
    progress(f"{lab.name}: {Path(impl).name if impl.endswith('.py') else impl} ran {len(results)} tests")
    return {nodeid.split("::", 1)[1]: entry for nodeid, entry in results.items()}


def read_chaff(path: Path) -> Chaff:
    tree = ast.parse(path.read_text(), filename=str(path))
    doc = ast.get_docstring(tree)
    caught_by = next(
        (ast.literal_eval(node.value) for node in tree.body if isinstance(node, ast.Assign)
         and any(isinstance(t, ast.Name) and t.id == "CAUGHT_BY" for t in node.targets)),
        None,
    )
    if not doc or not caught_by:
        raise ValueError(f"{path}: a chaff needs a docstring naming its bug and a CAUGHT_BY list")
    return Chaff(path, doc.splitlines()[0], list(caught_by))


def check_starter(lab: Path, report: Report) -> None:
    collect = subprocess.run(
        [sys.executable, "-m", "pytest", str(lab), "--collect-only", "-q", "-p", "no:cacheprovider"],
        cwd=ROOT, env={**os.environ, "LAB_IMPL": "starter"}, capture_output=True, text=True,
        timeout=RUN_TIMEOUT_S,
    )
    if collect.returncode != 0:
        report.problems.append(f"{lab.name}: LAB_IMPL=starter collection failed:\n{collect.stdout[-2000:]}")
        return
    results = run_lab(lab, "starter")
    if not results:
        report.problems.append(f"{lab.name}: no tests ran on the starter")
    for name, entry in results.items():
        if entry["outcome"] == "skipped":
            continue
        if entry["outcome"] != "failed" or entry["exception"] != "NotImplementedError":
            got = entry["outcome"] + (f" with {entry['exception']}" if entry["exception"] else "")
            report.problems.append(
                f"{lab.name}::{name} on the untouched starter: {got}; "
                "a graded test must fail with NotImplementedError"
            )
    skipped = sum(e["outcome"] == "skipped" for e in results.values())
    report.notes.append(f"{lab.name}: starter fails {len(results) - skipped} graded tests with "
                        f"NotImplementedError ({skipped} skipped here)")


def check_solution(lab: Path, report: Report) -> dict[str, dict]:
    results = run_lab(lab, "solution")
    for name, entry in results.items():
        if entry["outcome"] not in ("passed", "skipped"):
            report.problems.append(f"{lab.name}::{name} fails on the solution ({entry['outcome']})")
    skipped = [n for n, e in results.items() if e["outcome"] == "skipped"]
    if skipped and SKIPS_FORBIDDEN:
        report.problems.append(f"{lab.name}: {len(skipped)} tests skipped although LAB_REQUIRE_GPU/LAB_REQUIRE_TORCH forbids it")
    return results


def check_independent(lab: Path, path: Path, report: Report) -> None:
    results = run_lab(lab, str(path))
    failed = [n for n, e in results.items() if e["outcome"] not in ("passed", "skipped")]
    skipped = [n for n, e in results.items() if e["outcome"] == "skipped"]
    where = f"{lab.name}/independent/{path.name}"
    if failed:
        report.problems.append(f"{where} is a correct file, yet fails {failed}: these tests reject correct code")
    if skipped and SKIPS_FORBIDDEN:
        report.problems.append(f"{where}: {len(skipped)} tests skipped although LAB_REQUIRE_GPU/LAB_REQUIRE_TORCH forbids it")
    report.notes.append(f"{where}: passes {len(results) - len(failed) - len(skipped)} tests "
                        f"({len(skipped)} skipped here)")


def check_chaff(lab: Path, chaff: Chaff, solution_results: dict[str, dict], report: Report) -> None:
    known = {function_of(n) for n in solution_results}
    unknown = [t for t in chaff.caught_by if t not in known]
    if unknown:
        report.problems.append(f"{lab.name}/chaffs/{chaff.path.name} names tests that do not exist: {unknown}")
        return
    results = run_lab(lab, str(chaff.path), chaff.caught_by)
    unverified = []
    for test in chaff.caught_by:
        runs = [e for n, e in results.items() if function_of(n) == test]
        if all(e["outcome"] == "skipped" for e in runs):
            unverified.append(test)
        elif not any(e["outcome"] == "failed" for e in runs):
            report.problems.append(
                f"{lab.name}/chaffs/{chaff.path.name} ({chaff.bug}) is NOT caught by {test}")
    ran = len(unverified) < len(chaff.caught_by)  # a chaff whose tests all skipped here costs nothing here
    if ran and (cost := points.DEFAULT_MAX - score_of(lab, results)) < MIN_CHAFF_COST:
        report.problems.append(f"{lab.name}/chaffs/{chaff.path.name} ({chaff.bug}) costs only {float(cost):.2f} of "
                               f"100 points; weigh its requirement in grading.toml so it costs >= {MIN_CHAFF_COST}")
    if unverified:
        where = f"unverified here, its tests were skipped (GPU or torch missing): {unverified}"
        (report.problems if SKIPS_FORBIDDEN else report.notes).append(
            f"{lab.name}/chaffs/{chaff.path.name}: {where}")


def score_of(lab: Path, results: dict[str, dict]) -> Fraction:
    """What a file with these results scores out of 100, as the grader would score it."""
    gradable = [(name, function_of(name), Fraction(e["weight"])) for name, e in results.items() if not e["gated"]]
    parts = points.plan(gradable, labconfig.read(lab), points.DEFAULT_MAX)
    return points.earned(parts, {name for name, e in results.items() if e["outcome"] == "passed"})


def check_lab(lab: Path) -> Report:
    report = Report()
    try:
        check_starter(lab, report)
        solution_results = check_solution(lab, report)
        if config := labconfig.read(lab):
            config.check({function_of(n) for n in solution_results})
        chaffs = [read_chaff(p) for p in sorted((lab / "chaffs").glob("*.py"))]
        if not chaffs:
            report.problems.append(f"{lab.name}: no known-bug variants in chaffs/")
        independents = sorted((lab / "independent").glob("*.py"))
        with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
            list(pool.map(lambda c: check_chaff(lab, c, solution_results, report), chaffs))
            list(pool.map(lambda p: check_independent(lab, p, report), independents))
        report.notes.append(f"{lab.name}: {len(chaffs)} known-bug variants checked")
    except (RuntimeError, ValueError, SyntaxError, subprocess.TimeoutExpired) as err:
        report.problems.append(str(err))
    return report


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("labs", nargs="*", type=Path, help="lab folders (default: every lab)")
    parser.add_argument("--judge", action="store_true", help="run every check in judge mode (LAB_JUDGE=1)")
    args = parser.parse_args(argv)
    labs = [p.resolve() for p in args.labs] or sorted(p.parent for p in LABS.glob("lab-*/test_lab.py"))
    if args.judge:
        os.environ["LAB_JUDGE"] = "1"  # every pytest run below inherits it
        in_process = [p.name for p in labs if (c := labconfig.read(p)) is not None and c.verdict != "judge"]
        labs = [p for p in labs if p.name not in in_process]
        print(f"judge mode; graded in-process, so left out: {', '.join(in_process) or 'none'}")
    not_labs = [str(p) for p in labs if not (p / "test_lab.py").is_file()]
    if not_labs:
        parser.error(f"not a lab folder (no test_lab.py): {', '.join(not_labs)}")
    with ThreadPoolExecutor(max_workers=2) as pool:
        reports = list(pool.map(check_lab, labs))
    problems = [p for r in reports for p in r.problems]
    for r in reports:
        for note in r.notes:
            print(f"  ok  {note}")
    for problem in problems:
        print(f"FAIL  {problem}")
    print(f"instructor check: {len(labs)} labs, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
