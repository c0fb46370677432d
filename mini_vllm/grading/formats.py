"""What `mini-vllm grade` writes: the full JSON, a gradebook CSV, Gradescope's results.json, or
the runner result GitHub Classroom's autograding reporter reads."""

from __future__ import annotations

import csv
import io
import json
import os
from dataclasses import asdict
from pathlib import PurePath
from typing import Any

from mini_vllm.grading.grader import Manifest, Submission

FORMATS = ("json", "csv", "gradescope", "classroom")
MESSAGE_CHARS = 300  # of one failed test's message on an LMS line
OUTPUT_CHARS = 4_000  # of the submission's notes on Gradescope's top line


def as_json(manifest: Manifest, graded: list[Submission]) -> str:
    """Every submission with every test: the record to keep."""
    return json.dumps({"lab": manifest.lab_dir.name, "max_score": float(manifest.max_score),
                       "submissions": [asdict(s) for s in graded]}, indent=1)


def as_csv(manifest: Manifest, graded: list[Submission]) -> str:
    """One gradebook row per submission; the student is named by what tells the files apart."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["student", "path", "score", "max_score", "passed", "total", "status", "flags", "seconds",
                     "isolation", "verdict"])
    for s, student in zip(graded, students([s.path for s in graded])):
        writer.writerow([student, s.path, s.score, s.max_score, s.passed, s.total, s.status,
                         " ".join(s.flags), s.seconds, s.isolation, s.verdict])
    return out.getvalue()


def students(paths: list[str]) -> list[str]:
    """The file name without .py, or, when several share a file name (one folder per student,
    each with its starter.py), the first folder below the one they all share."""
    stems = [PurePath(p).stem for p in paths]
    if len(set(stems)) == len(stems):
        return stems
    common = PurePath(os.path.commonpath(paths)) if len(paths) > 1 else PurePath(paths[0]).parent
    return [PurePath(p).relative_to(common).parts[0].removesuffix(".py") for p in paths]


def _rows(s: Submission, tests_per_row: int) -> list[dict[str, Any]]:
    """One row per requirement: its score, maximum, and the first failures, each line capped."""
    rows = []
    for r in s.requirements:
        failures = [t for t in s.tests if t.requirement == r.name and t.outcome != "passed"]
        lines = [f"{t.name}: {t.outcome}" + (f": {t.message[:MESSAGE_CHARS]}" if t.message else "")
                 for t in failures[:tests_per_row]]
        if len(failures) > tests_per_row:
            lines.append(f"... and {len(failures) - tests_per_row} more failed tests (the JSON report has them all)")
        rows.append({"name": f"{r.section} {r.name}".strip(), "score": 0.0 if _zeroed(s) else r.score,
                     "max_score": r.max_score, "passed": not failures and not _zeroed(s),
                     "output": f"{r.passed} / {r.total} tests passed" + "".join(f"\n{line}" for line in lines)})
    return rows


def as_gradescope(manifest: Manifest, graded: list[Submission]) -> str:
    """Gradescope's results.json for one submission: one row per requirement of the lab."""
    (s,) = graded
    tests = [{"name": row["name"], "score": row["score"], "max_score": row["max_score"],
              "status": "passed" if row["passed"] else "failed", "output": row["output"], "visibility": "visible"}
             for row in _rows(s, tests_per_row=20)]
    summary = f"{s.status}: {s.passed} / {s.total} tests passed" + (f" (flags: {', '.join(s.flags)})" if s.flags else "")
    return json.dumps({"score": s.score, "output": "\n".join(filter(None, [summary, s.message[:OUTPUT_CHARS]])),
                       "stdout_visibility": "visible", "tests": tests}, indent=1)


def as_classroom(manifest: Manifest, graded: list[Submission]) -> str:
    """One runner result for classroom-resources/autograding-grading-reporter (base64 it into
    the step's `result` output): the lab is one runner, each requirement one line of its report.
    Kept well under the 128 KiB one environment variable may hold once base64-encoded."""
    (s,) = graded
    tests = [{"name": row["name"], "status": "pass" if row["passed"] else "fail", "score": row["score"],
              "message": row["output"]} for row in _rows(s, tests_per_row=5)]
    return json.dumps({"version": 1, "status": "pass" if s.passed == s.total and not _zeroed(s) else "fail",
                       "max_score": s.max_score, "tests": tests})


def _zeroed(s: Submission) -> bool:
    """Every line shows 0 points: grading failed, or the score was zeroed (tampering, a policy)."""
    return s.status != "graded" or s.score == 0


WRITERS = {"json": as_json, "csv": as_csv, "gradescope": as_gradescope, "classroom": as_classroom}
