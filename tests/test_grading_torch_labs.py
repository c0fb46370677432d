"""The torch labs are judged too: a lab-06 submission that forges its verdict earns nothing.

Lab-06's tests hand fx graphs, modules and tensors to the graded code and run torch.compile with
its backend; in judge mode (issue 24, item 2) they still run in the judge, and the graded file in
a sandboxed worker, with torch values crossing the channel (mini_vllm/grading/torch_values.py).
The forgeries are lab-01's from test_grading_hostile.py, appended to lab-06's starter: written as
they would work where the tests and the graded file share a process. Graded as `mini-vllm grade`
grades, beside an honest classmate who must keep full marks.
"""

from __future__ import annotations

import importlib.util
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from mini_vllm.grading import grader

pytestmark = [pytest.mark.torch, pytest.mark.slow]  # one lab-06 class: about a minute on 2 cores

ROOT = Path(__file__).resolve().parents[1]
LAB = ROOT / "phase-05-cuda-graphs-and-torch-compile" / "labs" / "lab-06-piecewise-compile"
JUDGED_FORGERIES = ["settrace_sets_got_to_want", "wraps_the_streams_emit", "emits_signed_passes_through_the_stream",
                    "setprofile_patches_a_judge_and_restores_it", "rewrites_numpys_code"]


def _lab01_forgeries() -> dict[str, str]:
    """test_grading_hostile's forgeries, without the lab-01 starter they were appended to."""
    spec = importlib.util.spec_from_file_location("hostile_cases", Path(__file__).with_name("test_grading_hostile.py"))
    hostile = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(hostile)
    return {name: hostile.FORGERIES[name].removeprefix(hostile.STARTER) for name in JUDGED_FORGERIES}


@pytest.fixture(scope="module")
def graded(tmp_path_factory) -> dict[str, grader.Submission]:
    pytest.importorskip("torch")
    starter = (LAB / "starter.py").read_text()
    cases = {"honest": (LAB / "independent" / "from_the_readme.py").read_text(), "starter": starter}
    cases |= {name: starter + tail for name, tail in _lab01_forgeries().items()}
    folder = tmp_path_factory.mktemp("lab06_class")
    for name, text in cases.items():
        (folder / f"{name}.py").write_text(text)
    manifest = grader.collect_manifest(LAB)
    assert manifest.verdict == "judge"
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = pool.map(lambda f: grader.grade_file(manifest, f, timeout=300), grader.submissions_in([str(folder)]))
        return {Path(s.path).stem: s for s in results}


@pytest.mark.parametrize("case", JUDGED_FORGERIES)
def test_a_forgery_earns_nothing_on_a_judged_torch_lab(graded, case):
    s = graded[case]
    assert (s.score, s.passed, s.verdict) == (0, 0, "judge"), (s.score, s.passed, s.flags, s.message[-500:])


def test_the_honest_classmate_keeps_full_marks_and_the_starter_none(graded):
    assert (graded["honest"].score, graded["honest"].flags, graded["honest"].verdict) == (100, [], "judge"), (
        graded["honest"].message[-1000:])
    assert graded["starter"].score == 0
