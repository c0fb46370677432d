"""Each lab's grading.toml names every mini_vllm module its solution.py re-exports: as an answer
(left out of the student release, hidden from a submission) or as provided (given to students).

A new lab that forgets a line fails here instead of leaking its answers into the release; and
mini_vllm.lab_code, which reads the same lists, gives back exactly what solution.py exports.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from mini_vllm.grading import labconfig, release
from mini_vllm.grading.loader import lab_api, load_lab_module
from mini_vllm.lab_code import lab_folder, lab_module

ROOT = Path(__file__).resolve().parents[1]
LABS = sorted(p.parent for p in (ROOT / "phase-05-cuda-graphs-and-torch-compile" / "labs").glob("lab-*/solution.py"))
IDS = [lab.name[:6] for lab in LABS]


def module_files(name: str) -> set[str]:
    base = name.replace(".", "/")
    return {f for f in (f"{base}.py", f"{base}/__init__.py") if (ROOT / f).is_file()}


def origins(module_file: str, names: list[str]) -> set[str]:
    """The files that define `names` imported from `module_file`; a package __init__ is followed
    to the modules it re-exports them from."""
    if not module_file.endswith("__init__.py"):
        return {module_file}
    found = set()
    for node in ast.parse((ROOT / module_file).read_text()).body:
        if isinstance(node, ast.ImportFrom) and node.module and {a.name for a in node.names} & set(names):
            found |= module_files(node.module)
    return found


def re_exported_modules(lab: Path) -> set[str]:
    """Repository-relative files of the mini_vllm modules the lab's solution.py imports from."""
    found = set()
    for node in ast.parse((lab / "solution.py").read_text()).body:
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("mini_vllm"):
            for module_file in module_files(node.module):
                found |= origins(module_file, [a.name for a in node.names])
    return found


@pytest.mark.parametrize("lab", LABS, ids=IDS)
def test_every_module_a_solution_re_exports_is_declared_an_answer_or_provided(lab):
    config = labconfig.read(lab)
    undeclared = re_exported_modules(lab) - set(config.answers) - set(config.provided)
    assert not undeclared, (
        f"{lab.name}/solution.py re-exports {sorted(undeclared)}, which its grading.toml declares neither in "
        "`answers` (what the lab asks: left out of the student release) nor in `provided` (given to students)")


@pytest.mark.parametrize("lab", LABS, ids=IDS)
def test_every_declared_file_exists_and_provided_code_imports_no_answer(lab):
    config = labconfig.read(lab)
    every_answer = {a for other in LABS for a in labconfig.read(other).answers}
    for declared in (*config.answers, *config.provided):
        assert (ROOT / declared).is_file(), f"{lab.name}/grading.toml names {declared}, which does not exist"
    for given in config.provided:
        leaked = release.imports_of(ROOT / given) & every_answer
        assert not leaked, f"{given} is provided by {lab.name} but imports answer modules {sorted(leaked)}"


@pytest.mark.parametrize("lab", LABS, ids=IDS)
def test_lab_code_gives_the_course_s_reference_object_for_object(lab):
    solution, reference = load_lab_module(lab, "solution"), lab_module(lab.name)
    differ = [name for name in lab_api(lab) if getattr(reference, name) is not getattr(solution, name)]
    assert not differ, f"mini_vllm.lab_code's {lab.name} differs from solution.py in {differ}"


def test_a_lab_is_named_by_its_number_or_its_folder():
    assert lab_folder("lab-02") == lab_folder("lab-02-launch-overhead") == LABS[1]
    for wrong in ("lab-2", "lab-99", "", "lab"):
        with pytest.raises(ValueError, match="lab must name one lab"):
            lab_folder(wrong)


def test_lab_impl_names_the_file_a_script_runs_for_its_own_lab():
    starter = lab_module("lab-02", "starter")
    with pytest.raises(NotImplementedError, match="lab-02"):
        starter.eager_launches(1, 1)
    with pytest.raises(ValueError, match="LAB_IMPL"):
        lab_module("lab-02", "reference")


def test_answers_and_provided_are_declared_data(tmp_path):
    (tmp_path / "grading.toml").write_text('answers = ["mini_vllm/a.py"]\nprovided = ["mini_vllm/a.py"]\n')
    with pytest.raises(ValueError, match="both an answer and provided"):
        labconfig.read(tmp_path)
    (tmp_path / "grading.toml").write_text('provided = "mini_vllm/a.py"\n')
    with pytest.raises(ValueError, match="provided must be a list"):
        labconfig.read(tmp_path)


def test_the_command_line_offers_lab_03_s_mode_names():
    from mini_vllm.cudagraph_mode import CUDAGraphMode
    from mini_vllm.vllm_versions import CUDAGRAPH_MODE_NAMES

    assert tuple(mode.name for mode in CUDAGraphMode) == CUDAGRAPH_MODE_NAMES
