"""A submission graded in its sandbox cannot reach its classmates, the course, the answers or the results.

One lab-01 class is graded as `mini-vllm grade` would: two honest classmates (a correct file and
the starter) beside submissions that attack the machine. After grading, and after waiting out
any process an attacker left behind, every file outside the sandboxes must be unchanged and the
honest classmates must keep their scores. Needs a sandbox (unshare with namespaces); on a machine
that has none the grader runs unisolated and says so, which the last test checks.
"""

from __future__ import annotations

import hashlib
import os
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from mini_vllm.grading import grader, sandbox

ROOT = Path(__file__).resolve().parents[1]
LAB = ROOT / "phase-05-cuda-graphs-and-torch-compile" / "labs" / "lab-01-graph-replay-simulator"
STARTER = (LAB / "starter.py").read_text()
# Graded by the grader's own Python, wherever it lives (CI's virtualenv is in a mode-700 folder).
CORRECT = (LAB / "independent" / "from_the_readme.py").read_text() + (
    f"\nimport sys\nassert sys.prefix == {sys.prefix!r}, 'graded by another Python'\n")
PAST_GRADING_S = 4  # how long the daemon waits before it strikes: after its own grading has ended
pytestmark = pytest.mark.slow  # a dozen graded submissions: about 40 s on 2 cores


def attacks(folder: Path, outside: Path) -> dict[str, str]:
    """Each attack from issue 24 that reaches beyond the submission's own process."""
    return {
        "overwrites_classmates": STARTER + (
            f"\nimport glob\nfor _p in glob.glob({str(folder)!r} + '/*.py'):\n"
            "    try:\n        open(_p, 'w').write('')\n    except OSError:\n        pass\n"),
        "rewrites_the_course_tests_then_crashes": STARTER + (
            f"\ntry:\n    open({str(LAB / 'test_lab.py')!r}, 'a').write('\\nraise SystemExit\\n')\n"
            "except OSError:\n    pass\nimport os\nos._exit(1)\n"),
        "leaves_a_daemon": STARTER + (
            "\nimport os, time\nif os.fork() == 0:\n    os.setsid()\n"
            f"    time.sleep({PAST_GRADING_S})\n"
            f"    for _p in [{str(outside)!r}, *__import__('glob').glob({str(folder)!r} + '/*')]:\n"
            "        try:\n            open(_p, 'w').write('pwned')\n        except OSError:\n            pass\n"
            "    os._exit(0)\n"),
        "execs_an_independent_file": (
            f"exec(open({str(LAB / 'independent' / 'from_the_readme.py')!r}).read())\n"),
        "imports_the_reference_by_a_built_name": (
            "import importlib\n_m = importlib.import_module('mini_vllm.' + 'graph_' + 'simulator')\n"
            "globals().update({k: getattr(_m, k) for k in dir(_m) if not k.startswith('__')})\n"),
    }


def digest(paths: list[Path]) -> dict[str, str]:
    return {str(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in paths if p.is_file()}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    if sandbox.isolation() == "none":
        pytest.skip("this machine cannot make a sandbox (no unshare or user namespaces)")
    folder = tmp_path_factory.mktemp("class")
    outside = tmp_path_factory.mktemp("instructor") / "gradebook.csv"
    outside.write_text("student,score\n")
    for name, text in {"correct": CORRECT, "starter": STARTER, **attacks(folder, outside)}.items():
        (folder / f"{name}.py").write_text(text)
    course = [*LAB.rglob("*.py"), *(ROOT / "mini_vllm").rglob("*.py")]
    before = digest([*course, *folder.iterdir(), outside])
    manifest = grader.collect_manifest(LAB, test_timeout=5)
    files = grader.submissions_in([str(folder)])
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = {Path(s.path).stem: s for s in pool.map(
            lambda f: grader.grade_file(manifest, f, timeout=120, classmates=files), files)}
    time.sleep(PAST_GRADING_S + 2)
    return results, before, digest([*course, *folder.iterdir(), outside])


def test_honest_classmates_keep_their_scores_beside_the_attackers(graded):
    results, _, _ = graded
    assert (results["correct"].score, results["starter"].score) == (100, 0), results["correct"].message
    assert all(s.isolation != "none" for s in results.values())


def test_no_file_outside_the_sandbox_changed_not_even_after_grading_ended(graded):
    _, before, after = graded
    changed = [path for path in before if before[path] != after.get(path)]
    assert not changed, f"a submission changed files outside its sandbox: {changed}"


@pytest.mark.parametrize("case", ["overwrites_classmates", "rewrites_the_course_tests_then_crashes", "leaves_a_daemon",
                                  "execs_an_independent_file", "imports_the_reference_by_a_built_name"])
def test_an_attack_beyond_the_process_earns_nothing(graded, case):
    results, _, _ = graded
    assert results[case].score == 0, (case, results[case].score, results[case].message[-500:])


def test_a_machine_without_a_sandbox_grades_and_says_so_in_one_loud_line(monkeypatch, tmp_path):
    monkeypatch.setattr(sandbox, "isolation", lambda: "none")
    manifest = grader.collect_manifest(LAB, test_timeout=5)
    (tmp_path / "ada.py").write_text(CORRECT)
    s = grader.grade_file(manifest, tmp_path / "ada.py", timeout=120)
    assert (s.score, s.isolation) == (100, "none")
    assert s.message.splitlines()[0].startswith("NO ISOLATION"), s.message


def test_the_submission_time_limit_keeps_the_passes_already_earned(tmp_path):
    hang = "import signal, time\n    signal.signal(signal.SIGALRM, signal.SIG_IGN)\n    time.sleep(3600)\n"
    head = "def piecewise_launches("
    assert head in CORRECT
    body = CORRECT.split(head, 1)
    slow = body[0] + head + body[1].replace('"""\n', '"""\n    ' + hang, 1) if '"""' in body[1] else None
    assert slow is not None
    (tmp_path / "slow.py").write_text(slow)
    manifest = grader.collect_manifest(LAB, test_timeout=1)
    s = grader.grade_file(manifest, tmp_path / "slow.py", timeout=20)
    assert s.status == "graded" and "timeouts" in s.flags and s.score > 0, (s.status, s.flags, s.score, s.message)
    # 48 tests run (and pass) before the first call of piecewise_launches; each call after costs its test
    failed = [t for t in s.tests if t.outcome == "failed"]
    assert s.passed >= 40 and all("Timeout" in (t.message or "") for t in failed), (s.passed, failed[:3])


@pytest.mark.skipif(sandbox.isolation() in ("none", "unprivileged-user"), reason="no mount namespace to box the judge")
def test_the_judge_writes_nowhere_but_its_own_temporary_folders(tmp_path):
    """The judge shares its temporary folder with the worker (a test's tmp_path, where the graded code
    keeps a compile cache), so the worker can plant a symlink there that aims one of the judge's
    writes at a classmate's file, or at a file another process holds open (/proc/<pid>/fd/<n>, which
    no read-only mount stops): in its own mount and PID namespaces the judge reaches neither."""
    import subprocess

    shared, victim, results = tmp_path / "judge", tmp_path / "classmate.py", tmp_path / "classmate.results"
    shared.mkdir()
    victim.write_text("honest work\n")
    held = os.open(results, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)  # as the grader holds one open
    planted = {shared / "index.json": victim, shared / "cache.json": f"/proc/{os.getpid()}/fd/{held}"}
    script = "import os, pathlib\n"
    for link, target in planted.items():
        script += (f"os.symlink({str(target)!r}, {str(link)!r})  # as the worker would\n"
                   f"try:\n    pathlib.Path({str(link)!r}).write_text('{{}}')\n    print('wrote through')\n"
                   "except OSError as err:\n    print('refused', err.errno)\n")
    script += f"pathlib.Path({str(shared / 'own.txt')!r}).write_text('ok')\nprint('own folder ok')\n"
    try:
        out = subprocess.run(sandbox.judge_command([sys.executable, "-c", script], (str(shared),)),
                             capture_output=True, text=True, timeout=60)
    finally:
        os.close(held)
    assert out.returncode == 0, out.stderr[-2000:]
    # 30: EROFS (the classmate's file); 2: ENOENT (the grader's process is not in the judge's /proc)
    assert out.stdout.split() == ["refused", "30", "refused", "2", "own", "folder", "ok"], out.stdout
    assert victim.read_text() == "honest work\n" and results.read_bytes() == b""


def test_a_python_in_a_closed_folder_stays_reachable_for_the_throwaway_user():
    with tempfile.TemporaryDirectory() as open_folder:  # under /tmp: every folder above it open
        os.chmod(open_folder, 0o755)
        check_covers(Path(open_folder))


def check_covers(tmp_path: Path) -> None:
    closed = tmp_path / "closed"
    site = closed / "venv" / "lib" / "site-packages"
    site.mkdir(parents=True)
    closed.chmod(0o700)
    home = tmp_path / "home"
    home.mkdir()
    needed = [str(site), str(closed / "venv"), str(home / "course")]
    covers = sandbox.covered(str(home), needed, uid=61_000)
    assert covers == tuple(sorted((str(closed), os.path.realpath(home))))
    assert sandbox.kept_under(covers, needed) == (str(closed / "venv"), str(home / "course"))
    assert sandbox.covered(str(home), needed, uid=None) == (os.path.realpath(home),)  # own uid: home only
    assert sandbox.unreachable(needed) == [str(site), str(closed / "venv")]


def test_the_judge_names_its_threads_but_cannot_change_the_kernels_settings():
    """CUDA's init writes its threads' names under /proc (read-only, it fails: no GPU test could run
    in the judge), so /proc stays writable there, but for the kernel's settings under /proc/sys."""
    import subprocess

    if sandbox.isolation() in ("none", "unprivileged-user"):
        pytest.skip("no mount namespace on this machine")
    script = ("import pathlib\npathlib.Path('/proc/thread-self/comm').write_text('judge')\nprint('named')\n"
              "setting = pathlib.Path('/proc/sys/kernel/hostname')\n"
              "try:\n    setting.write_text(setting.read_text())  # the same value: harmless if it went through\n"
              "    print('changed')\nexcept OSError as err:\n    print('refused', err.errno)\n")
    out = subprocess.run(sandbox.judge_command([sys.executable, "-c", script], ()), capture_output=True,
                         text=True, timeout=60)
    assert out.stdout.split() == ["named", "refused", "30"], (out.stdout, out.stderr[-2000:])  # 30: EROFS
