"""Hostile and broken submissions score what their behaviour earns, and none of them hangs grading.

Each case is a lab-01 file built from the starter (does nothing), from an independent correct
file (does everything), or from one of them plus one hostile act. Lab-01 is judged (its tests run
beside a sandboxed worker), as every lab is; the attacks on the in-process harness are also
graded in-process, the way a lab whose grading.toml says verdict = "in-process" would be. All are
graded at once by `mini_vllm.grading.grader`, the code behind `mini-vllm grade`, with a 2 s
per-test limit so the hanging cases stay cheap. Lab-04's forgeries (a tracer that sets `got` to
`want`, a patched `torch.equal`), added to a runner that replays stale inputs, are graded as lab-04
is, its runner tests included: judged, they earn that runner's own score. The pytest-level cases (xdist, --lf, the wrong-lab line) run pytest
directly.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from mini_vllm.grading import grader, sandbox

ROOT = Path(__file__).resolve().parents[1]
LAB = ROOT / "phase-05-cuda-graphs-and-torch-compile" / "labs" / "lab-01-graph-replay-simulator"
STARTER = (LAB / "starter.py").read_text()
CORRECT = (LAB / "independent" / "from_the_readme.py").read_text()
EAGER = 'def eager(ops: Sequence[Op], x: np.ndarray) -> np.ndarray:\n    """The reference: apply the ops in order, one launch each (len(ops) launches)."""\n'


def in_eager(body: str) -> str:
    """The correct file whose eager() first runs `body` (indented into the function)."""
    assert EAGER in CORRECT
    return CORRECT.replace(EAGER, EAGER + "".join(f"    {line}\n" for line in body.splitlines()))


CASES = {
    "correct": CORRECT,
    "starter": STARTER,
    "infinite_loop_in_one_function": in_eager("while True:\n    pass"),
    "hang_that_ignores_the_alarm": in_eager("import signal, time\nsignal.signal(signal.SIGALRM, signal.SIG_IGN)\n"
                                            "time.sleep(3600)"),
    "os_exit_at_import": STARTER + "\nimport os\nos._exit(0)\n",
    "os_exit_in_a_function": in_eager("import os\nos._exit(0)"),
    "sys_exit_at_import": STARTER + "\nimport sys\nsys.exit(0)\n",
    "sys_exit_in_a_function": in_eager("import sys\nsys.exit(0)"),
    "pytest_exit_at_import": STARTER + "\nimport pytest\npytest.exit('done', returncode=0)\n",
    "pytest_exit_in_a_function": in_eager("import pytest\npytest.exit('done', returncode=0)"),
    "patches_numpy_testing": STARTER + (
        "\nimport numpy.testing\nnumpy.testing.assert_allclose = lambda *a, **k: None\n"
        "numpy.testing.assert_array_equal = lambda *a, **k: None\n"),
    "patches_numpy_comparisons": STARTER + (
        "\nimport numpy\nnumpy.allclose = lambda *a, **k: True\nnumpy.array_equal = lambda *a, **k: True\n"
        "numpy.shares_memory = lambda *a, **k: True\n"),
    "patches_pytest_approx": STARTER + "\nimport pytest\npytest.approx = lambda expected, *a, **k: expected\n",
    "patches_a_builtin": STARTER + "\nimport builtins\nbuiltins.abs = lambda x: 0\n",
    "rewrites_the_test_modules_oracle": STARTER + (
        "\nimport sys\nfor _m in list(sys.modules.values()):\n"
        "    if getattr(_m, '__file__', '') and _m.__file__.endswith('lab-01-graph-replay-simulator/test_lab.py'):\n"
        "        _m.reference = lambda ops, x: None\n"),
    "patches_pytest_reports": STARTER + (
        "\nimport _pytest.reports as _r\n_init = _r.TestReport.__init__\n"
        "def _forced(self, *a, **k):\n    _init(self, *a, **k)\n    self.outcome, self.longrepr = 'passed', None\n"
        "_r.TestReport.__init__ = _forced\n"),
    "registers_a_hook": STARTER + (
        "\nimport gc, pytest, _pytest.config\n"
        "class _Pass:\n    @pytest.hookimpl(hookwrapper=True)\n"
        "    def pytest_runtest_makereport(self, item, call):\n        outcome = yield\n"
        "        outcome.get_result().outcome = 'passed'\n"
        "_cfg = next(o for o in gc.get_objects() if isinstance(o, _pytest.config.Config))\n"
        "_cfg.pluginmanager.register(_Pass())\n"),
    "writes_the_results_file": STARTER + (
        "\nimport json, os, re\n_env = open('/proc/self/environ', 'rb').read().decode()\n"
        "_fd = int(re.search(r'LAB_GRADE_RESULTS_FD=(\\d+)', _env).group(1))\n"
        "for _i in range(200):\n"
        "    os.write(_fd, (('0' * 64) + ' ' + json.dumps({'seq': _i, 'event': 'result', 'outcome': 'passed'})"
        " + '\\n').encode())\n"),
    "skips_every_test": STARTER.replace('raise NotImplementedError(', '__import__("pytest").skip('),
    "mutates_its_inputs": CORRECT.replace("    for op in ops:\n        x = op(x)\n    return x",
                                          "    for op in ops:\n        x[...] = op(x)\n    return x"),
    "prints_megabytes": in_eager("print('x' * 2_000_000)"),
    "syntax_error": STARTER + "\ndef broken(:\n",
    "half_the_api_missing": CORRECT.split("class PiecewiseGraphRunner")[0],
    "imports_the_reference": "from mini_vllm.graph_simulator import *  # noqa\n",
    "file_for_another_lab": (LAB.parent / "lab-03-cudagraph-mode" / "solution.py").read_text(),
}
# Forgeries of the verdict from inside the process that runs the tests (issue 24, item 2). Each is
# the starter (honest score 0) plus the forgery, written as it would work where the tests and the
# graded file share a process; judged beside a worker they must still score 0.
FORGERIES = {
    "emits_signed_passes_through_the_stream": STARTER + (
        "\nimport gc, sys\n"
        "for _h in [o for o in gc.get_objects() if type(o).__name__ == 'Harness' and getattr(o, 'stream', None)]:\n"
        "    for _n in _h.collected:\n"
        "        _h.stream.emit(event='result', nodeid=_n, tampered=[], outcome='passed', exception=None,\n"
        "                       message=None, weight='1', gated=None)\n"
        "    import os; os._exit(0)\n"),
    "wraps_the_streams_emit": STARTER + (
        "\nimport gc\n"
        "for _s in [o for o in gc.get_objects() if type(o).__name__ == 'ResultStream']:\n"
        "    _emit = _s.emit\n"
        "    _s.emit = lambda **e: _emit(**{**e, 'outcome': 'passed', 'exception': None, 'message': None}"
        " if e.get('event') == 'result' else e)\n"),
    "drops_the_integrity_snapshot": STARTER + (
        "\nimport gc\n"
        "for _o in gc.get_objects():\n"
        "    if type(_o).__name__ in ('Harness', 'Worker') and hasattr(_o, 'snapshot'):\n"
        "        _o.snapshot = None\n"
        "import numpy\nnumpy.allclose = lambda *a, **k: True\nnumpy.array_equal = lambda *a, **k: True\n"),
    "setprofile_patches_a_judge_and_restores_it": STARTER + (
        "\nimport sys, numpy\n_real = numpy.allclose\n"
        "def _profile(frame, event, arg):\n"
        "    if frame.f_code.co_filename.endswith('test_lab.py'):\n"
        "        numpy.allclose = (lambda *a, **k: True) if event == 'call' else _real\n"
        "sys.setprofile(_profile)\n"),
    "rewrites_numpys_code": STARTER + (
        "\nimport numpy\n"
        "numpy.array_equal._implementation.__code__ = (lambda *a, **k: True).__code__\n"
        "import numpy._core.fromnumeric as _f\n"
        "_f._all = lambda *a, **k: True\n"),
    "settrace_sets_got_to_want": STARTER + (
        "\nimport sys, ctypes\n"
        "def _trace(frame, event, arg):\n"
        "    if frame.f_code.co_filename.endswith('test_lab.py') and 'want' in frame.f_locals:\n"
        "        frame.f_locals['got'] = frame.f_locals['want']\n"
        "        ctypes.pythonapi.PyFrame_LocalsToFast(ctypes.py_object(frame), ctypes.c_int(0))\n"
        "    return _trace\n"
        "sys.settrace(_trace)\n"),
}
# Attacks on the channel itself, from the correct file: they must cost everything, flagged.
CHANNEL_ATTACKS = {
    "writes_garbage_to_the_channel": in_eager(
        "import os, sys\nos.write(int(sys.argv[-1]), b'\\x00\\x00\\x00\\x05hello')"),
    "forges_a_result_line_on_every_fd": in_eager(
        "import os\nfor _fd in range(3, 64):\n"
        "    try:\n        os.write(_fd, b'0' * 64 + b' {\"seq\": 0, \"event\": \"result\", \"outcome\": \"passed\"}\\n')\n"
        "    except OSError:\n        pass"),
}
FORGERIES |= {
    "looks_for_the_key": STARTER + (
        "\nimport os\n"
        "for _pid in [p for p in os.listdir('/proc') if p.isdigit()]:\n"
        "    try:\n"
        "        _env = open(f'/proc/{_pid}/environ', 'rb').read()\n"
        "    except OSError:\n"
        "        continue\n"
        "    if b'LAB_GRADE_KEY_FD' in _env or b'LAB_GRADE_RESULTS_FD' in _env:\n"
        "        os._exit(3)  # found the judge: a load error says so\n"),
}
CASES |= FORGERIES | CHANNEL_ATTACKS


@pytest.fixture(scope="module")
def manifest() -> grader.Manifest:
    return grader.collect_manifest(LAB, test_timeout=2)


def grade_cases(folder: Path, manifest: grader.Manifest, cases: dict[str, str]) -> dict[str, grader.Submission]:
    for name, text in cases.items():
        (folder / f"{name}.py").write_text(text)
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = pool.map(lambda f: grader.grade_file(manifest, f, timeout=120), grader.submissions_in([str(folder)]))
        return {Path(s.path).stem: s for s in results}


@pytest.fixture(scope="module")
def graded(tmp_path_factory, manifest) -> dict[str, grader.Submission]:
    """Every case, judged as lab-01 is graded: the tests beside a sandboxed worker."""
    assert manifest.verdict == "judge"
    return grade_cases(tmp_path_factory.mktemp("submissions"), manifest, CASES)


@pytest.fixture(scope="module")
def graded_in_process(tmp_path_factory, manifest) -> dict[str, grader.Submission]:
    """The attacks on the in-process harness, graded the way a lab with verdict = "in-process" would be."""
    cases = {name: CASES[name] for name in IN_PROCESS_ATTACKS + ["writes_the_results_file", "correct"]}
    return grade_cases(tmp_path_factory.mktemp("in_process"), dataclasses.replace(manifest, verdict="in-process"),
                       cases)


def test_a_correct_file_scores_full_marks_and_the_starter_none(graded):
    assert (graded["correct"].score, graded["correct"].status, graded["correct"].flags) == (100, "graded", [])
    assert (graded["starter"].score, graded["starter"].status) == (0, "graded")


@pytest.mark.parametrize("case", ["infinite_loop_in_one_function", "hang_that_ignores_the_alarm"])
def test_a_hang_costs_the_tests_that_hang_and_nothing_else(graded, case):
    s = graded[case]
    hung = [t for t in s.tests if t.outcome != "passed"]
    assert s.status == "graded" and 0 < len(hung) < 5 and 80 <= s.score < 100, (s.score, s.message, hung)
    assert "timeouts" in s.flags, s.flags
    assert all("eager" in t.name or "Timeout" in (t.message or "") or t.outcome == "timeout" for t in hung), hung


@pytest.mark.parametrize("case", ["os_exit_in_a_function", "sys_exit_in_a_function", "pytest_exit_in_a_function"])
def test_ending_the_process_in_a_function_fails_only_the_tests_that_call_it(graded, case):
    s = graded[case]
    assert s.status == "graded" and 80 <= s.score < 100, (s.score, s.message)


@pytest.mark.parametrize("case", ["os_exit_at_import", "sys_exit_at_import", "pytest_exit_at_import",
                                  "syntax_error", "starter", "skips_every_test"])
def test_a_file_that_does_nothing_or_cannot_load_scores_zero(graded, case):
    s = graded[case]
    assert s.score == 0 and s.passed == 0 and s.status == "graded", (s.status, s.message)


def test_skipped_tests_count_as_not_passed(graded):
    s = graded["skips_every_test"]
    assert s.total == graded["correct"].total and "skips" in s.flags
    assert {t.outcome for t in s.tests} == {"skipped"}


IN_PROCESS_ATTACKS = ["patches_numpy_testing", "patches_numpy_comparisons", "patches_pytest_approx",
                      "patches_a_builtin", "rewrites_the_test_modules_oracle", "patches_pytest_reports",
                      "registers_a_hook"]


@pytest.mark.parametrize("case", IN_PROCESS_ATTACKS)
def test_changing_what_the_tests_judge_with_scores_zero_and_is_flagged_in_process(graded_in_process, case):
    s = graded_in_process[case]
    assert s.score == 0 and "tampered" in s.flags and s.verdict == "in-process", (s.score, s.flags, s.message)


@pytest.mark.parametrize("case", ["patches_numpy_testing", "patches_numpy_comparisons", "patches_pytest_approx",
                                  "patches_a_builtin", "rewrites_the_test_modules_oracle",
                                  "patches_pytest_reports", "registers_a_hook", *FORGERIES])
def test_a_forgery_from_the_graded_process_earns_nothing_in_judge_mode(graded, case):
    """The tests run in the judge; the file's patches, profilers and tracers reach only its worker."""
    s = graded[case]
    assert s.score == 0 and s.passed == 0 and s.verdict == "judge", (s.score, s.passed, s.flags, s.message)


@pytest.mark.parametrize("case", ["patches_numpy_comparisons", "patches_a_builtin", "drops_the_integrity_snapshot", "writes_garbage_to_the_channel",
                                  "forges_a_result_line_on_every_fd"])
def test_a_forgery_the_judge_can_see_is_flagged_tampered(graded, case):
    """Patches of what the worker had loaded (its own snapshot), and any byte on the channel that is
    not a message, flag the file and score it 0, though neither could change a verdict."""
    assert graded[case].score == 0 and "tampered" in graded[case].flags, (graded[case].flags, graded[case].message)


def test_the_judges_key_and_results_are_out_of_the_workers_sight(graded):
    s = graded["looks_for_the_key"]
    assert s.score == 0 and "load-error" not in s.flags, s.message  # it exits at import if it finds them


def test_honest_classmates_keep_their_scores_beside_forgeries(graded):
    assert graded["correct"].score == 100 and graded["prints_megabytes"].score == 100


def test_a_file_that_writes_the_results_itself_scores_zero(graded, graded_in_process):
    assert graded["writes_the_results_file"].score == 0
    s = graded_in_process["writes_the_results_file"]
    assert s.score == 0 and "tampered" in s.flags and "not written by the harness" in s.message


def test_mutating_the_callers_array_is_caught_by_the_tests(graded):
    assert 0 < graded["mutates_its_inputs"].score < 100


def test_printing_megabytes_is_capped_and_does_not_change_the_grade(graded):
    s = graded["prints_megabytes"]
    assert s.score == 100 and s.status == "graded"
    assert all(len(t.message or "") < 2_000 for t in s.tests)


def test_half_the_api_missing_earns_the_other_half_and_names_what_is_missing(graded):
    s = graded["half_the_api_missing"]
    assert 0 < s.score < 100 and "missing-api" in s.flags
    assert "PiecewiseGraphRunner" in s.message and "piecewise_launches" in s.message


def test_a_file_for_another_lab_says_which_names_it_lacks(graded):
    s = graded["file_for_another_lab"]
    assert s.score == 0 and "missing-api" in s.flags and "GraphRunner" in s.message


def test_importing_the_reference_is_flagged(graded):
    s = graded["imports_the_reference"]
    assert "imports-reference" in s.flags and "mini_vllm.graph_simulator" in s.message


def test_the_reference_is_hidden_from_a_sandboxed_submission_and_the_policy_can_zero_it(graded, manifest):
    zeroed = grader.grade_file(manifest, Path(graded["imports_the_reference"].path), zero_reference_imports=True)
    honest = 100 if sandbox.isolation() == "none" else 0  # the sandbox hides the lab's answer modules
    assert (graded["imports_the_reference"].score, zeroed.score) == (honest, 0) and "imports-reference" in zeroed.flags


# --- lab-04: its runner tests run the graded runner in the worker, and judge what it reports ------

LAB_04 = LAB.parent / "lab-04-graph-vs-eager-real"
LAB_04_FORGERIES = {
    "settrace_sets_got_to_want": FORGERIES["settrace_sets_got_to_want"].removeprefix(STARTER),
    "patches_torch_equal": "\nimport torch\ntorch.equal = lambda *a, **k: True\n",
}


@pytest.fixture(scope="module")
def graded_lab_04(tmp_path_factory) -> dict[str, grader.Submission]:
    """A lab-04 class graded as `mini-vllm grade 04` grades it: the honest independent file, that
    file with its input copy forgotten (a runner that replays stale inputs), and the stale file
    plus each forgery, which in the tests' own process would turn its failures into passes."""
    pytest.importorskip("torch")
    honest = (LAB_04 / "independent" / "from_readme.py").read_text()
    stale = honest.replace("buf[:batch].copy_(x)", "pass  # the copy forgotten: replays read stale inputs")
    assert stale != honest
    cases = {"honest": honest, "stale": stale} | {name: stale + tail for name, tail in LAB_04_FORGERIES.items()}
    manifest = grader.collect_manifest(LAB_04)
    assert manifest.verdict == "judge"
    return grade_cases(tmp_path_factory.mktemp("lab04_class"), manifest, cases)


@pytest.mark.torch
@pytest.mark.slow
@pytest.mark.parametrize("case", LAB_04_FORGERIES)
def test_a_forgery_earns_a_stale_lab_04_runner_nothing_more(graded_lab_04, case):
    """The stale runner fails two tests that compare `got` with `want` by torch.equal: a tracer
    that sets `got` to `want`, or a patched torch.equal, would pass them in-process; judged, both
    act on the worker only, and the forger keeps the stale runner's score."""
    stale, forged = graded_lab_04["stale"], graded_lab_04[case]
    failed = {t.name.partition("[")[0] for t in stale.tests if t.outcome != "passed"}
    assert stale.score < 100 and failed == {"test_replay_gives_the_eager_tokens_and_cache",
                                            "test_any_capturable_step_is_served"}, (stale.score, sorted(failed))
    assert (forged.score, forged.passed, forged.verdict) == (stale.score, stale.passed, "judge"), (
        forged.score, stale.score, forged.flags, forged.message[-500:])


@pytest.mark.torch
@pytest.mark.slow
def test_the_honest_lab_04_classmate_keeps_full_marks(graded_lab_04):
    s = graded_lab_04["honest"]
    unflagged = set(s.flags) <= {"ungraded-here"}  # its GPU tests, on a machine without CUDA
    assert (s.score, s.verdict, unflagged) == (100, "judge", True), (s.score, s.flags, s.message[-1000:])


# --- pytest run directly: scores survive xdist, --lf reruns failures, wrong-lab files say so ------


def run_pytest(*args: str, graded_file: Path | str, **env: str) -> subprocess.CompletedProcess:
    """pytest on `args` in a fresh process grading `graded_file`, with `env` added to ours."""
    return subprocess.run([sys.executable, "-m", "pytest", *args], cwd=ROOT,
                          env={**os.environ, "LAB_IMPL": str(graded_file), **env},
                          capture_output=True, text=True, timeout=300)


def test_scores_survive_xdist(tmp_path, manifest):
    pytest.importorskip("xdist")
    out = tmp_path / "results.json"
    proc = run_pytest(str(LAB), "-q", "-n", "2", "-p", "no:randomly", graded_file=LAB / "chaffs" / "pads_down.py",
                      LAB_RESULTS_JSON=str(out))
    results = json.loads(out.read_text())
    total = len(manifest.points)
    assert len(results) == total and any(r["outcome"] == "failed" for r in results.values())
    passed = sum(r["outcome"] == "passed" for r in results.values())
    assert f"{passed:>3} / {total:<3} passed" in proc.stdout, proc.stdout[-2000:]


def test_last_failed_reruns_only_the_failures(tmp_path):
    chaff = LAB / "chaffs" / "pads_down.py"
    cache = ["-o", f"cache_dir={tmp_path}", "-p", "no:randomly"]
    first = run_pytest(str(LAB), "-q", *cache, graded_file=chaff).stdout.splitlines()[-1]
    again = run_pytest(str(LAB), "-q", "--lf", *cache, graded_file=chaff).stdout.splitlines()[-1]
    failed = re.search(r"(\d+) failed", first).group(1)
    assert re.search(r"(\d+) failed", again).group(1) == failed and "passed" not in again, (first, again)


def test_a_file_for_another_lab_says_so_in_the_score_table():
    other = LAB.parent / "lab-03-cudagraph-mode" / "solution.py"
    proc = run_pytest(str(LAB), "-q", graded_file=other)
    line = next(ln for ln in proc.stdout.splitlines() if "lacks" in ln)
    assert line.startswith("lab-01-graph-replay-simulator: the graded file lacks") and "another lab" in line


def test_the_grade_command_exit_status_and_formats(tmp_path):
    starter = LAB / "starter.py"
    ok = subprocess.run([sys.executable, "-m", "mini_vllm.cli", "grade", "01", str(starter), "--format", "gradescope",
                         "--out", str(tmp_path / "results.json")], capture_output=True, text=True, timeout=300)
    assert ok.returncode == 0, ok.stderr
    gradescope = json.loads((tmp_path / "results.json").read_text())
    assert gradescope["score"] == 0 and {"name", "score", "max_score", "status", "output", "visibility"} <= set(
        gradescope["tests"][0])
    assert sum(t["max_score"] for t in gradescope["tests"]) == pytest.approx(100, rel=1e-6)
    for argv in (["grade", "99", str(starter)], ["grade", "01", str(tmp_path / "none.py")],
                 ["grade", "01", str(starter), str(starter), "--format", "gradescope"]):
        usage = subprocess.run([sys.executable, "-m", "mini_vllm.cli", *argv], capture_output=True, text=True,
                               timeout=300)
        assert usage.returncode == 2 and "error" in usage.stderr, (argv, usage.stderr)


def test_a_syntax_error_is_flagged_with_its_reason_not_read_as_an_untouched_starter(graded):
    s = graded["syntax_error"]
    reason = "syntax_error.py cannot be imported: SyntaxError"  # after the NO ISOLATION line, where there is one
    assert "load-error" in s.flags and any(ln.startswith(reason) for ln in s.message.splitlines()[:2]), s.message
    assert "load-error" not in graded["starter"].flags


def test_requiring_torch_without_torch_fails_the_torch_tests_instead_of_an_internal_error():
    if __import__("importlib.util").util.find_spec("torch") is not None:
        pytest.skip("torch is installed here")
    lab_06 = LAB.parent / "lab-06-piecewise-compile"
    proc = run_pytest(str(lab_06), "-q", "-k", "count_ops", graded_file="starter", LAB_REQUIRE_TORCH="1")
    assert "INTERNALERROR" not in proc.stdout + proc.stderr and "forbids skipping" in proc.stdout, proc.stdout[-2000:]
