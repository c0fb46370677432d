"""`mini-vllm release student` writes a course with no graded answer in it that still grades alike.

The release is built once; its labs' tests then run on the untouched starters (every test fails
with NotImplementedError, as in the full course) and lab-01's on a correct file written from the
README (the same outcome for every test in both trees).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from mini_vllm.grading import labconfig, release

ROOT = Path(__file__).resolve().parents[1]
LABS = "phase-05-cuda-graphs-and-torch-compile/labs"
LAB_01 = f"{LABS}/lab-01-graph-replay-simulator"
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def tree(tmp_path_factory) -> tuple[Path, list[str]]:
    out = tmp_path_factory.mktemp("release") / "course"
    warnings = release.release_student(out)
    return out, warnings


def outcomes(root: Path, graded: str | Path, tmp_path: Path, where: str = LAB_01) -> dict[str, tuple[str, str | None]]:
    """Every test's (outcome, exception) under `where` when `root`'s own harness grades `graded`."""
    tmp_path.mkdir(exist_ok=True)
    out = tmp_path / f"{root.name}.json"
    subprocess.run([sys.executable, "-m", "pytest", where, "-m", "not gpu", "-q", "-p", "no:cacheprovider", "-p", "no:randomly"],
                   cwd=root, env={**os.environ, "PYTHONPATH": str(root), "LAB_IMPL": str(graded),
                                  "LAB_RESULTS_JSON": str(out)}, capture_output=True, timeout=300)
    return {k: (v["outcome"], v["exception"]) for k, v in json.loads(out.read_text()).items()}


def test_no_solution_independent_or_chaff_file_and_no_after_the_lab_section(tree):
    out, _ = tree
    found = [p for p in (out / LABS).rglob("*") if p.name == "solution.py" or p.parent.name in ("independent", "chaffs")]
    assert not found, f"answers left in the student release: {found}"
    readmes = list((out / LABS).glob("lab-*/README.md"))
    assert readmes and not [r for r in readmes if "\n## After the lab" in r.read_text()]
    assert not (out / "tests").exists() and not (out / "INSTRUCTORS.md").exists()


def test_every_declared_answer_module_is_gone_unless_a_warning_names_it(tree):
    out, warnings = tree
    for lab in (ROOT / LABS).glob("lab-*/"):
        for answer in labconfig.read(lab).answers:
            assert not (out / answer).exists() or any(w.startswith(answer) for w in warnings), answer


def test_every_lab_s_untouched_starter_fails_every_test_with_not_implemented_in_the_release(tree, tmp_path):
    out, _ = tree
    got = outcomes(out, "starter", tmp_path, LABS)
    ran = {v for v in got.values() if v[0] != "skipped"}  # torch and GPU tests skip where those are missing
    assert ran == {("failed", "NotImplementedError")}, ran
    assert len(got) == len(outcomes(ROOT, "starter", tmp_path / "full", LABS)), "the release lost tests"


def test_a_file_written_in_the_release_grades_the_same_in_the_full_course(tree, tmp_path):
    out, _ = tree
    student = tmp_path / "ada.py"
    student.write_text((ROOT / LAB_01 / "independent" / "from_the_readme.py").read_text())
    assert outcomes(out, student, tmp_path / "r") == outcomes(ROOT, student, tmp_path / "f")
