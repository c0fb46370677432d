"""Points by requirement: each lab's grading.toml covers every test once, its README states the same
weights, a name that matches no test is an error, and one broken requirement costs >= 10 of 100."""

from __future__ import annotations

import re
from fractions import Fraction
from pathlib import Path

import pytest

from mini_vllm.grading import labconfig, points

ROOT = Path(__file__).resolve().parents[1]
LABS = sorted((ROOT / "phase-05-cuda-graphs-and-torch-compile" / "labs").glob("lab-*/test_lab.py"))


@pytest.mark.parametrize("lab", [p.parent for p in LABS], ids=lambda p: p.name)
def test_every_test_function_of_a_lab_is_in_exactly_one_requirement(lab):
    config = labconfig.read(lab)
    assert config is not None, f"{lab.name} has no grading.toml"
    functions = set(re.findall(r"^\s*def (test_\w+)", (lab / "test_lab.py").read_text(), re.M))
    config.check(functions)  # raises, naming the function or the pattern, when not


@pytest.mark.parametrize("lab", [p.parent for p in LABS], ids=lambda p: p.name)
def test_the_readme_states_the_weights_the_grader_reads_just_before_after_the_lab(lab):
    section = labconfig.points_section(labconfig.read(lab))
    assert section + "\n## After the lab" in (lab / "README.md").read_text(), (
        f"{lab.name}/README.md: its '## Points' section must be, word for word, what "
        "labconfig.points_section() writes from grading.toml, placed just before '## After the lab'")


@pytest.mark.parametrize("lab", [p.parent for p in LABS], ids=lambda p: p.name)
def test_every_declared_answer_file_exists(lab):
    missing = [a for a in labconfig.read(lab).answers if not (ROOT / a).is_file()]
    assert not missing, f"{lab.name}/grading.toml declares answers that do not exist: {missing}"


def write_config(tmp_path: Path, body: str) -> Path:
    labconfig.read.cache_clear()
    (tmp_path / labconfig.FILE).write_text(body)
    return tmp_path


TWO = '''
[[requirement]]
name = "a"
section = "§1"
weight = {a}
tests = ["{name}"]

[[requirement]]
name = "b"
section = "§2"
weight = 90
tests = ["test_b*"]
'''


def test_a_name_that_matches_no_test_is_an_error(tmp_path):
    config = labconfig.read(write_config(tmp_path, TWO.format(a=10, name="test_nope")))
    with pytest.raises(ValueError, match=r"'a' names \['test_nope'\], which match no test"):
        config.check({"test_b1", "test_b2"})


def test_a_test_in_no_requirement_is_an_error(tmp_path):
    config = labconfig.read(write_config(tmp_path, TWO.format(a=10, name="test_a")))
    with pytest.raises(ValueError, match="'test_c' is in no requirement"):
        config.check({"test_a", "test_b1", "test_c"})


def test_a_requirement_lighter_than_a_tenth_is_refused(tmp_path):
    with pytest.raises(ValueError, match="each must weigh at least 1/10"):
        labconfig.read(write_config(tmp_path, TWO.format(a=5, name="test_a")))


def test_one_failing_case_of_a_requirement_costs_at_least_ten_points(tmp_path):
    config = labconfig.read(write_config(tmp_path, TWO.format(a=10, name="test_a")))
    tests = [("t::test_a", "test_a", Fraction(1))] + [(f"t::test_b[{i}]", "test_b", Fraction(1)) for i in range(100)]
    parts = points.plan(tests, config, Fraction(100))
    everything = {t[0] for t in tests}
    assert points.earned(parts, everything) == 100
    # one case of 100 in b fails: b keeps 99 of its 90 points' cases (89.1) less the 10-point penalty
    assert points.earned(parts, everything - {"t::test_b[7]"}) == Fraction(10) + Fraction(90) * 99 / 100 - 10
    assert points.earned(parts, everything - {"t::test_a"}) == 90  # a: 0, never below 0


def test_a_requirement_with_no_gradable_test_hands_its_weight_to_the_rest(tmp_path):
    config = labconfig.read(write_config(tmp_path, TWO.format(a=10, name="test_a")))
    parts = points.plan([("t::test_b1", "test_b1", Fraction(1))], config, Fraction(100))
    assert [(p.name, p.maximum) for p in parts] == [("b", 100)]
