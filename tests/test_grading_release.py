"""`mini-vllm release student` writes a course with no graded answer in it that still runs and grades alike.

The release is built once. In it: no answer file; every shipped module imports and every command
line answers --help; the untouched starters fail every test with NotImplementedError; and a
finished course (each lab's independent file as its starter.py) grades as the same files do in
the full course, lab-04's runner on the CPU stand-in included, and its commands that run lab code
(the benchmark report, predict, crossover, modes, simulate, compile) print what the full course prints.
"""

from __future__ import annotations

import ast
import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from mini_vllm.grading import labconfig, release

ROOT = Path(__file__).resolve().parents[1]
LABS = "phase-05-cuda-graphs-and-torch-compile/labs"
LAB_04 = f"{LABS}/lab-04-graph-vs-eager-real"
pytestmark = pytest.mark.slow


def torch_python() -> str:
    """A Python with torch (a CPU build is enough): this one, or the checkout's .venv."""
    if importlib.util.find_spec("torch"):
        return sys.executable
    venv = ROOT / ".venv" / "bin" / "python"
    if venv.is_file() and subprocess.run([venv, "-c", "import torch"], capture_output=True).returncode == 0:
        return str(venv)
    pytest.skip("no Python with torch: python -m venv .venv --system-site-packages && .venv/bin/pip install torch")


@pytest.fixture(scope="module")
def tree(tmp_path_factory) -> tuple[Path, list[str]]:
    out = tmp_path_factory.mktemp("release") / "course"
    warnings = release.release_student(out)
    return out, warnings


@pytest.fixture(scope="module")
def finished(tree, tmp_path_factory) -> Path:
    """The release after a student finished every lab: each lab's independent file as its starter."""
    out = tmp_path_factory.mktemp("finished") / "course"
    shutil.copytree(tree[0], out)
    for lab in sorted((ROOT / LABS).glob("lab-*/independent")):
        shutil.copy(independent_file(lab.parent), out / LABS / lab.parent.name / "starter.py")
    return out


def independent_file(lab: Path) -> Path:
    return sorted((lab / "independent").glob("*.py"))[0]


def run(root: Path, *command: str, python: str = sys.executable, cwd: Path | None = None,
        **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([python, *command], cwd=cwd or root, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PYTHONPATH": str(root), **env})


def outcomes(root: Path, graded: str | Path, tmp_path: Path, where: str = LABS,
             python: str = sys.executable) -> dict[str, tuple[str, str | None]]:
    """Every test's (outcome, exception) under `where` when `root`'s own harness grades `graded`."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    out = tmp_path / f"{root.name}.json"
    run(root, "-m", "pytest", where, "-m", "not gpu", "-q", "-p", "no:cacheprovider", "-p", "no:randomly",
        python=python, LAB_IMPL=str(graded), LAB_RESULTS_JSON=str(out))
    return {k: (v["outcome"], v["exception"]) for k, v in json.loads(out.read_text()).items()}


def test_no_solution_independent_or_chaff_file_and_no_after_the_lab_section(tree):
    out, _ = tree
    found = [p for p in (out / LABS).rglob("*") if p.name == "solution.py" or p.parent.name in ("independent", "chaffs")]
    assert not found, f"answers left in the student release: {found}"
    readmes = list((out / LABS).glob("lab-*/README.md"))
    assert readmes and not [r for r in readmes if "\n## After the lab" in r.read_text()]
    assert not (out / "tests").exists() and not (out / "INSTRUCTORS.md").exists()


def test_no_declared_answer_module_ships_and_no_provided_code_needs_one(tree):
    out, warnings = tree
    assert warnings == [], f"the labs' provided code needs answer modules, so the release would ship them: {warnings}"
    shipped = [answer for lab in (ROOT / LABS).glob("lab-*/") for answer in labconfig.read(lab).answers
               if (out / answer).exists()]
    assert not shipped, f"answer modules in the student release: {shipped}"


def test_every_shipped_mini_vllm_module_imports_and_only_the_torch_ones_import_torch(tree):
    out, _ = tree
    plain, with_torch = [], []
    for path in sorted((out / "mini_vllm").rglob("*.py")):
        if path.name == "__main__.py":  # importing it runs the command line
            continue
        module = ".".join(path.relative_to(out).with_suffix("").parts).removesuffix(".__init__")
        needs_torch = "torch" in {a.name.split(".")[0] for node in ast.parse(path.read_text()).body
                                  if isinstance(node, ast.Import) for a in node.names}
        (with_torch if needs_torch else plain).append(module)
    script = ("import importlib, sys, traceback\n"
              "for name in sys.argv[1:]:\n"
              "    try:\n        importlib.import_module(name)\n"
              "    except Exception as err:\n        print(f'{name}: {type(err).__name__}: {err}')\n"
              "if 'torch' in sys.modules:\n    print('torch was imported')\n")
    failed = run(out, "-c", script, *plain).stdout
    failed += run(out, "-c", script.replace("print('torch was imported')", "pass"), *with_torch, python=torch_python()).stdout
    assert plain and with_torch and not failed, f"modules of the student release that do not import:\n{failed}"


def test_every_command_line_of_the_release_answers_help(tree):
    out, _ = tree
    lab04, logs = out / LAB_04, out / LABS / "lab-07-read-a-deployment" / "logs"
    commands = [(["-m", "mini_vllm", "--help"], out), (["run.py", "--help"], lab04),
                (["latency_check.py", "--help"], lab04), (["-m", "mini_vllm.gpu.timeline", "--help"], out),
                (["-m", "mini_vllm.compilation.measure", "--help"], out),
                (["record.py", "--help"], logs), (["ab.py", "--help"], logs)]
    subcommands = [line.split()[0] for line in run(out, "-m", "mini_vllm", "--help").stdout.split("COMMAND\n", 2)[-1]
                   .splitlines() if line.startswith("    ") and not line.startswith("     ")]
    assert "bench" in subcommands and "predict" in subcommands, subcommands
    commands += [(["-m", "mini_vllm", sub, "--help"], out) for sub in subcommands]
    failed = [f"{' '.join(c)}: {done.stderr.strip()[-300:]}" for c, cwd in commands
              if (done := run(out, *c, cwd=cwd)).returncode or "usage:" not in done.stdout]
    assert not failed, "command lines of the student release that fail --help:\n" + "\n".join(failed)


def test_a_subcommand_that_shows_a_left_out_answer_says_so_in_one_line(tree):
    out, _ = tree
    done = run(out, "-m", "mini_vllm", "ladder")
    assert done.returncode == 2 and "is not in this tree" in done.stderr and "Traceback" not in done.stderr, done.stderr


@pytest.mark.parametrize(("command", "says"), [(["bench", "--from", f"{LAB_04}/results/twin.json"], "lab-04: spread"),
                                               (["simulate"], "lab-01: GraphRunner")], ids=lambda c: c[0])
def test_a_command_that_runs_the_student_s_unfinished_lab_says_so(tree, command, says):
    out, _ = tree
    done = run(out, "-m", "mini_vllm", *command)
    assert done.returncode == 2 and says in done.stderr and "Traceback" not in done.stderr, done.stderr


def test_every_lab_s_untouched_starter_fails_every_test_with_not_implemented_in_the_release(tree, tmp_path):
    out, _ = tree
    python = torch_python()
    got = outcomes(out, "starter", tmp_path, python=python)
    ran = {v for v in got.values() if v[0] != "skipped"}  # GPU tests skip without CUDA
    assert ran == {("failed", "NotImplementedError")}, ran
    assert len(got) == len(outcomes(ROOT, "starter", tmp_path / "full", python=python)), "the release lost tests"


@pytest.mark.parametrize("lab", sorted(p.parent.name for p in (ROOT / LABS).glob("lab-*/independent")))
def test_a_finished_lab_grades_the_same_in_the_release_as_in_the_full_course(lab, finished, tmp_path):
    python = torch_python()
    in_release = outcomes(finished, "starter", tmp_path / "release", f"{LABS}/{lab}", python)
    in_course = outcomes(ROOT, independent_file(ROOT / LABS / lab), tmp_path / "course", f"{LABS}/{lab}", python)
    assert in_release == in_course
    passed = [test for test, (outcome, _) in in_release.items() if outcome == "passed"]
    assert passed, f"{lab}: no test passed in the release"
    if lab.startswith("lab-04"):
        assert [t for t in passed if "standin" in t], "lab-04's runner tests did not run on the CPU stand-in"


@pytest.mark.parametrize("command", [["bench", "--from", f"{LAB_04}/results/twin.json"], ["predict", "opt-1.3b"],
                                     ["crossover"], ["modes"], ["dispatch", "--tokens", "33", "--uniform"],
                                     ["capture-log", "--max-num-seqs", "256"], ["simulate", "--steps", "8"]],
                         ids=lambda c: c[0])
def test_a_finished_release_prints_what_the_full_course_prints(command, finished):
    shown = [run(root, "-m", "mini_vllm", *command) for root in (finished, ROOT)]
    assert shown[0].returncode == 0, shown[0].stderr
    # the routing table's reasons are each student's own words (lab-03 grades that they exist and differ)
    printed = [[line for line in s.stdout.splitlines() if not line.lstrip().startswith("why: ")] for s in shown]
    assert printed[0] == printed[1], f"mini-vllm {' '.join(command)} differs in the release"


def test_a_finished_release_compiles_as_the_full_course_does(finished):
    python = torch_python()
    command = ["-m", "mini_vllm", "compile", "--layers", "2", "--compiler", "eager"]
    shown = [run(root, *command, python=python) for root in (finished, ROOT)]
    assert shown[0].returncode == 0, shown[0].stderr
    assert shown[0].stdout == shown[1].stdout, "mini-vllm compile runs the release's lab-06 differently"


def test_files_git_does_not_track_yet_are_named_not_silently_dropped(tmp_path):
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / "lab-08").mkdir()
    (tmp_path / "lab-08" / "starter.py").write_text("")
    (tmp_path / ".gitignore").write_text("*.log\n")
    (tmp_path / "run.log").write_text("")
    assert release.uncommitted_files(tmp_path) == [".gitignore", "lab-08/starter.py"], (
        "the release copies git's list of files: an untracked lab file would vanish from it, so it is named "
        "(ignored files are not)")
    assert release.uncommitted_files(tmp_path / "lab-08") == [], "outside a checkout there is no git list to miss"
