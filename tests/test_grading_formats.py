"""What `mini-vllm grade` writes for an LMS, from hand-built results: no pytest run needed.

A two-requirement lab worth 10 points: one submission passes one requirement (5 points), one was
flagged for tampering after passing both (its score is 0, and so must every line an LMS shows be).
"""

from __future__ import annotations

import base64
import csv
import io
import json
from fractions import Fraction
from pathlib import Path

import pytest

from mini_vllm.grading.formats import as_classroom, as_csv, as_gradescope, as_json, students
from mini_vllm.grading.grader import Manifest, RequirementResult, Submission
from mini_vllm.grading.grader import TestResult as Result  # not Test*: pytest would collect it

LAB = "phase-05-cuda-graphs-and-torch-compile/labs/lab-01-graph-replay-simulator/test_lab.py"
MANIFEST = Manifest(lab_dir=Path("lab-01-graph-replay-simulator"),
                    points={f"{LAB}::test_a": Fraction(5), f"{LAB}::test_b[1]": Fraction(5)},
                    timeouts={}, gated={}, max_score=Fraction(10))


def half() -> Submission:
    return Submission(path="/class/ada.py", passed=1, total=2, score=5.0, max_score=10.0, status="graded",
                      seconds=1.5, isolation="user-namespaces",
                      requirements=[RequirementResult("a", "§1", 5.0, 5.0, 1, 1), RequirementResult("b", "§2", 0.0, 5.0, 0, 1)],
                      tests=[Result("test_a", "passed", 5.0, None, "a"),
                             Result("test_b[1]", "failed", 0.0, "AssertionError: 3 != 4", "b")])


def tampered() -> Submission:
    return Submission(path="/class/eve.py", passed=2, total=2, score=0.0, max_score=10.0, status="graded",
                      flags=["tampered"], message="numpy.allclose was replaced",
                      requirements=[RequirementResult("a", "§1", 0.0, 5.0, 1, 1), RequirementResult("b", "§2", 0.0, 5.0, 1, 1)],
                      tests=[Result("test_a", "passed", 5.0, None, "a"), Result("test_b[1]", "passed", 5.0, None, "b")])


def test_csv_is_one_gradebook_row_per_student_named_by_file():
    rows = list(csv.DictReader(io.StringIO(as_csv(MANIFEST, [half(), tampered()]))))
    assert [(r["student"], r["score"], r["max_score"], r["passed"], r["total"], r["flags"], r["isolation"])
            for r in rows] == [("ada", "5.0", "10.0", "1", "2", "", "user-namespaces"),
                               ("eve", "0.0", "10.0", "2", "2", "tampered", "")]


def test_per_student_folders_of_starter_py_name_the_student_by_folder():
    assert students(["/c/ada/lab/starter.py", "/c/bob/lab/starter.py"]) == ["ada", "bob"]
    assert students(["/c/ada.py", "/c/bob.py"]) == ["ada", "bob"]


def test_json_keeps_every_test_of_every_submission():
    data = json.loads(as_json(MANIFEST, [half()]))
    assert (data["lab"], data["max_score"]) == ("lab-01-graph-replay-simulator", 10.0)
    assert [t["outcome"] for t in data["submissions"][0]["tests"]] == ["passed", "failed"]


def test_gradescope_has_a_row_per_requirement_summing_to_the_score():
    data = json.loads(as_gradescope(MANIFEST, [half()]))
    assert data["score"] == 5.0
    assert [(t["name"], t["score"], t["max_score"], t["status"]) for t in data["tests"]] == [
        ("§1 a", 5.0, 5.0, "passed"), ("§2 b", 0.0, 5.0, "failed")]
    assert "AssertionError: 3 != 4" in data["tests"][1]["output"]


def test_classroom_reports_each_requirement_and_fails_unless_all_pass():
    data = json.loads(as_classroom(MANIFEST, [half()]))
    assert (data["version"], data["status"], data["max_score"]) == (1, "fail", 10.0)
    assert [(t["name"], t["status"], t["score"]) for t in data["tests"]] == [("§1 a", "pass", 5.0), ("§2 b", "fail", 0.0)]


@pytest.mark.parametrize("write", [as_gradescope, as_classroom], ids=["gradescope", "classroom"])
def test_a_zeroed_submission_shows_no_points_and_no_pass_on_any_line(write):
    data = json.loads(write(MANIFEST, [tampered()]))
    assert [t["score"] for t in data["tests"]] == [0.0, 0.0]
    assert {t["status"] for t in data["tests"]} <= {"failed", "fail"}
    assert data.get("score", 0.0) == 0.0 and data.get("status", "fail") == "fail"


def test_a_verbose_failure_of_every_test_stays_under_classroom_s_128_kib_once_base64_encoded():
    noisy = [Result(f"test_b[{i}]", "failed", 0.0, "E" * 600, "b") for i in range(400)]
    s = Submission(path="/class/ada.py", total=400, max_score=10.0, status="graded", tests=noisy,
                   requirements=[RequirementResult("b", "§2", 0.0, 10.0, 0, 400)])
    assert len(base64.b64encode(as_classroom(MANIFEST, [s]).encode())) < 128 * 1024 // 4
