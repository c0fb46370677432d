"""What `mini-vllm grade` writes: the full JSON, a gradebook CSV, Gradescope's results.json, or
the runner result GitHub Classroom's autograding reporter reads."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict
from typing import Any

from mini_vllm.grading.grader import Manifest, Submission

FORMATS = ("json", "csv", "gradescope", "classroom")


def as_json(manifest: Manifest, graded: list[Submission]) -> str:
    """Every submission with every test: the record to keep."""
    return json.dumps({"lab": manifest.lab_dir.name, "max_score": float(manifest.max_score),
                       "submissions": [asdict(s) for s in graded]}, indent=1)


def as_csv(manifest: Manifest, graded: list[Submission]) -> str:
    """One gradebook row per submission (the student is the file's name without .py)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["student", "path", "score", "max_score", "passed", "total", "status", "flags", "seconds"])
    for s in graded:
        student = s.path.rsplit("/", 1)[-1].removesuffix(".py")
        writer.writerow([student, s.path, s.score, s.max_score, s.passed, s.total, s.status,
                         " ".join(s.flags), s.seconds])
    return out.getvalue()


def as_gradescope(manifest: Manifest, graded: list[Submission]) -> str:
    """Gradescope's results.json for one submission: one row per test function, cases summed."""
    (s,) = graded
    shares = {nodeid.split("::", 1)[1]: share for nodeid, share in manifest.points.items()}
    rows: dict[str, dict[str, Any]] = {}
    for test in s.tests:
        function = test.name.split("[", 1)[0]
        row = rows.setdefault(function, {"name": function, "score": 0.0, "max_score": 0.0, "output": [],
                                         "visibility": "visible"})
        row["score"] += test.points
        row["max_score"] += shares[test.name]
        if test.outcome != "passed":
            row["output"].append(f"{test.name}: {test.outcome}" + (f": {test.message}" if test.message else ""))
    zeroed = _zeroed(s)
    tests = [{**row, "score": 0.0 if zeroed else round(row["score"], 6), "max_score": round(float(row["max_score"]), 6),
              "status": "passed" if not row["output"] else "failed", "output": "\n".join(row["output"][:20])}
             for row in rows.values()]
    summary = f"{s.status}: {s.passed} / {s.total} tests passed" + (f" (flags: {', '.join(s.flags)})" if s.flags else "")
    return json.dumps({"score": s.score, "output": "\n".join(filter(None, [summary, s.message])),
                       "stdout_visibility": "visible", "tests": tests}, indent=1)


def as_classroom(manifest: Manifest, graded: list[Submission]) -> str:
    """One runner result for classroom-resources/autograding-grading-reporter (base64 it into
    the step's `result` output): the lab is one runner, each test one line of its report."""
    (s,) = graded
    zeroed = _zeroed(s)
    tests = [{"name": t.name, "status": "pass" if t.outcome == "passed" else "fail",
              "score": 0.0 if zeroed else t.points, "message": t.message or t.outcome} for t in s.tests]
    return json.dumps({"version": 1, "status": "pass" if s.passed == s.total and not zeroed else "fail",
                       "max_score": s.max_score, "tests": tests})


def _zeroed(s: Submission) -> bool:
    """Every test line shows 0 points: grading failed, or the score was zeroed (tampering, a policy)."""
    return s.status != "graded" or s.score == 0


WRITERS = {"json": as_json, "csv": as_csv, "gradescope": as_gradescope, "classroom": as_classroom}
