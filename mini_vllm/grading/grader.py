"""Grade submissions: each in its own pytest process, scored from the results the harness signed.

The denominator never comes from the submission's run. The grader first collects the lab's
tests with no submission loaded (the manifest: test ids, weights, timeouts, which tests this
machine cannot run), then runs each submission and reads the per-test results the harness
streams, each line signed with a key the submission's environment never holds. A test that
hangs is killed and counted as a timeout; a process that dies mid-test costs that test and
is restarted on the rest; a missing result never counts as a pass. The exit code of pytest
is never read.
"""

from __future__ import annotations

import ast
import contextlib
import itertools
import json
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

from mini_vllm.grading import labconfig, points, release, sandbox
from mini_vllm.grading.plugin import sign

ROOT = Path(__file__).resolve().parents[2]
HOME = os.path.realpath(os.path.expanduser("~"))
NEEDED = [sys.prefix, sys.base_prefix, str(ROOT), *sys.path]  # what graded code must reach: Python, the course
LABS = ROOT / "phase-05-cuda-graphs-and-torch-compile" / "labs"
STATUSES = ("graded", "crashed", "no-results")
GRACE_S = 5.0  # beyond a test's own timeout before the grader kills its process
STARTUP_S = 120.0  # from process start to the first test (imports, collection)
MAX_RESTARTS = 8  # processes that die mid-test before the rest is given up
LOG_TAIL = 3_000
_AST_LOCK = threading.Lock()
IN_PROCESS = ("VERDICT IN-PROCESS: this lab's tests ran in the submission's own process (its sandbox), so a "
              "deliberate forgery of its own results is caught only by the integrity checks")


@dataclass(frozen=True)
class Manifest:
    """A lab's graded tests, collected without any submission loaded."""

    lab_dir: Path
    points: dict[str, Fraction]  # nodeid -> points, gradable tests only
    timeouts: dict[str, float | None]
    gated: dict[str, str]  # nodeid -> why this machine cannot run it
    max_score: Fraction
    test_timeout: float | None = None  # one limit for every test, overriding pyproject's
    verdict: str = "judge"  # "judge": tests beside a sandboxed worker; "in-process": tests in the sandbox
    parts: list[points.Part] = field(default_factory=list)  # the lab's requirements, with their tests

    @property
    def nodeids(self) -> list[str]:
        return list(self.points)


@dataclass
class TestResult:
    name: str
    outcome: str
    points: float
    message: str | None = None
    requirement: str = ""


@dataclass
class RequirementResult:
    name: str
    section: str
    score: float
    max_score: float
    passed: int
    total: int


@dataclass
class Submission:
    path: str
    passed: int = 0
    total: int = 0
    score: float = 0.0
    max_score: float = 0.0
    status: str = "no-results"
    flags: list[str] = field(default_factory=list)
    seconds: float = 0.0
    message: str = ""
    isolation: str = ""
    verdict: str = ""  # where the tests that judged it ran: "judge" (out of its reach) or "in-process"
    requirements: list[RequirementResult] = field(default_factory=list)
    tests: list[TestResult] = field(default_factory=list)


def resolve_lab(lab: str) -> Path:
    """'03', '3', 'lab-03' or a folder name/path -> the lab's folder; ValueError names the choices."""
    choices = sorted(p.name for p in LABS.glob("lab-*") if (p / "test_lab.py").is_file())
    if Path(lab).is_dir() and (Path(lab) / "test_lab.py").is_file():
        return Path(lab).resolve()
    number = lab.removeprefix("lab-").split("-")[0]
    matches = [name for name in choices if name == lab or (number.isdigit() and name[4:6] == f"{int(number):02d}")]
    if len(matches) != 1:
        raise ValueError(f"LAB {lab!r} is not a lab; choose a number 01-{len(choices):02d} or one of {choices}")
    return LABS / matches[0]


def submissions_in(paths: Sequence[str]) -> list[Path]:
    """Each .py file is one student; a folder contributes every .py file inside it."""
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found += sorted(p for p in path.rglob("*.py") if p.is_file())
        elif path.is_file() and path.suffix == ".py":
            found.append(path)
        else:
            raise ValueError(f"SUBMISSION {raw!r} is neither a .py file nor a folder")
    if not found:
        raise ValueError(f"no .py files in {list(paths)}")
    return [p.resolve() for p in found]


def _clean_environment() -> dict[str, str]:
    """The grader's environment without anything that would change what or how pytest grades."""
    keep = ("LAB_REQUIRE_GPU", "LAB_REQUIRE_TORCH")
    return {k: v for k, v in os.environ.items() if not k.startswith(("LAB_", "PYTEST_")) or k in keep}


def collect_manifest(lab_dir: Path, max_points: float | None = None, test_timeout: float | None = None) -> Manifest:
    """Collect the lab's tests with the reference selected and nothing graded loaded.

    This run may write compiled files (pytest's rewritten test module among them), so the
    graded runs, which write none (no __pycache__ next to a submission), start faster.
    """
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "manifest.json"
        proc = subprocess.run(
            [sys.executable, "-m", "pytest", str(lab_dir), "--collect-only", "-q", "-p", "no:cacheprovider"],
            cwd=ROOT, env={**_clean_environment(), "LAB_GRADE_MANIFEST": str(out)},
            capture_output=True, text=True, timeout=STARTUP_S)
        if not out.is_file():
            raise RuntimeError(f"collecting {lab_dir.name} failed:\n{(proc.stdout + proc.stderr)[-LOG_TAIL:]}")
        data = json.loads(out.read_text())
    tests = [t for t in data["tests"] if t["lab"] == lab_dir.name]
    maximum = Fraction(max_points) if max_points is not None else Fraction(data["max_points"][lab_dir.name])
    gradable = [(t["nodeid"], t["function"], Fraction(t["weight"])) for t in tests if not t["gated"]]
    config = labconfig.read(lab_dir)
    if config is not None:
        config.check({t["function"] for t in tests})
    parts = points.plan(gradable, config, maximum)
    return Manifest(
        lab_dir=lab_dir,
        points={nodeid: share for part in parts for nodeid, share in part.shares.items()},
        parts=parts,
        timeouts={t["nodeid"]: test_timeout or t["timeout"] for t in tests},
        gated={t["nodeid"]: t["gated"] for t in tests if t["gated"]},
        max_score=maximum if gradable else Fraction(0),
        test_timeout=test_timeout,
        verdict=config.verdict if config is not None else "judge",
    )


# --- one child process ----------------------------------------------------------------------------


@dataclass
class Run:
    """What one pytest process reported before it ended (or was ended)."""

    results: dict[str, dict[str, Any]] = field(default_factory=dict)
    running: str | None = None  # started, no result yet
    loading: bool = False  # importing the graded file, not done
    missing_api: list[str] = field(default_factory=list)
    tampered: list[str] = field(default_factory=list)
    forged: str | None = None  # why the stream cannot be trusted
    killed: str | None = None  # "timeout" (a test), "deadline" (the submission), "startup"
    returncode: int | None = None
    events: int = 0
    log: str = ""


class _Stream:
    """Reads the signed lines a child appends; rejects any line not signed in sequence."""

    def __init__(self, path: Path, key: bytes, run: Run) -> None:
        self.file, self.key, self.run, self.seq, self.partial = open(path, "rb"), key, run, 0, b""  # noqa: SIM115

    def read(self) -> None:
        self.partial += self.file.read()
        *lines, self.partial = self.partial.split(b"\n")
        for line in lines:
            self._take(line.decode(errors="replace"))

    def _take(self, line: str) -> None:
        run = self.run
        if run.forged:
            return
        mac, _, body = line.partition(" ")
        try:
            event = json.loads(body)
            valid = sign(self.key, body) == mac and event.get("seq") == self.seq
        except (ValueError, AttributeError):
            valid = False
        if not valid:
            run.forged = "a line of the result stream was not written by the harness"
            return
        self.seq += 1
        run.events += 1
        kind = event["event"]
        if kind == "start":
            run.running = event["nodeid"]
        elif kind == "loading":
            run.loading = True
        elif kind == "loaded":
            run.loading = False
            run.missing_api = event["missing_api"]
        elif kind == "result":
            run.results[event["nodeid"]] = event
            run.running, run.loading = None, False
            run.tampered = event["tampered"]


def answers_hidden_from(lab_dir: Path) -> list[str]:
    """What a submission's sandbox must not read: every lab's solution, independent/ and chaffs/
    folders, and this lab's answer modules (grading.toml)."""
    hidden = [str(p) for lab in LABS.glob("lab-*") for p in
              (lab / "solution.py", lab / "independent", lab / "chaffs") if p.exists()]
    config = labconfig.read(lab_dir)
    return hidden + [str(ROOT / answer) for answer in (config.answers if config else ())]


def _package_stubs(hidden: list[str], folder: Path) -> list[tuple[str, str]]:
    """(stub, __init__.py) for each mini_vllm package whose __init__ imports a hidden answer module:
    the sandbox sees an empty package there, so the helpers beside the answers still import."""
    hidden_files = {Path(h).relative_to(ROOT).as_posix() for h in hidden if Path(h).is_relative_to(ROOT)}
    stubs = []
    for init in sorted((ROOT / "mini_vllm").rglob("__init__.py")):
        if release.imports_of(init) & hidden_files:
            stub = folder / f"stub_{len(stubs)}.py"
            stub.write_text(release.EMPTY_INIT)
            stub.chmod(0o644)
            stubs.append((str(stub), str(init)))
    return stubs


def run_child(manifest: Manifest, submission: Path, targets: list[str], deadline: float,
              hide: tuple[str, ...] = ()) -> Run:
    """One pytest process on `targets` in its own sandbox, watched: a test past its timeout (+grace) is killed."""
    run = Run()
    key = secrets.token_bytes(32)
    with tempfile.TemporaryDirectory() as tmp:
        os.chmod(tmp, 0o755)  # the unprivileged user of a root grader must reach the private folder
        results_path, log_path, private = Path(tmp) / "results", Path(tmp) / "log", Path(tmp) / "private"
        private.mkdir(mode=0o755)
        results_fd = os.open(results_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        key_r, key_w = os.pipe()
        os.write(key_w, key)
        os.close(key_w)
        shared = Path(tmp) / "judge"  # the judge's TMPDIR and tmp_paths: the worker may write there too
        shared.mkdir(mode=0o777)
        os.chmod(shared, 0o777)  # a root grader's throwaway uid writes a test's cache there
        sandbox.write_blank(str(private))
        answers = answers_hidden_from(manifest.lab_dir)
        uid = _throwaway_uid() if os.geteuid() == 0 else None
        covers = sandbox.covered(HOME, NEEDED, uid)
        box = sandbox.Box(submission=str(submission), copy_to=str(private / "submission" / submission.name),
                          private=str(private), hide=(*hide, str(submission), *answers),
                          stubs=tuple(_package_stubs(answers, Path(tmp))), cover=covers,
                          keep=sandbox.kept_under(covers, NEEDED),
                          cpu_seconds=int(max(1.0, deadline - time.monotonic())) + 30,
                          uid=uid,
                          shared=str(shared) if manifest.verdict == "judge" else "")
        isolated = sandbox.isolation() != "none"
        env = {**_clean_environment(), "LAB_IMPL": box.copy_to if isolated else str(submission),
               "PYTHONDONTWRITEBYTECODE": "1", "LAB_GRADE_RESULTS_FD": str(results_fd), "LAB_GRADE_KEY_FD": str(key_r)}
        command = [sys.executable, "-m", "pytest", *targets, "-q", "--tb=line", "-p", "no:cacheprovider",
                   "-p", "no:randomly", "-p", "no:xdist"]
        if manifest.test_timeout:
            command += ["--timeout", str(manifest.test_timeout)]
        if manifest.verdict == "judge":  # pytest is the judge, outside; only the worker it starts is boxed
            env |= {"LAB_IMPL": str(submission), "LAB_JUDGE": "1", "LAB_JUDGE_BOX": json.dumps(box.__dict__),
                    "TMPDIR": str(shared)}
            command = sandbox.judge_command([*command, f"--basetemp={shared / 'pytest'}"], (str(shared), str(private)))
        else:
            command = sandbox.command(command, box)
        with open(log_path, "wb") as log:
            proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log,
                                    stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                    pass_fds=(results_fd, key_r), start_new_session=True)
        os.close(results_fd)
        os.close(key_r)
        stream = _Stream(results_path, key, run)
        started, test_started, current = time.monotonic(), None, None
        while True:
            with contextlib.suppress(subprocess.TimeoutExpired):
                run.returncode = proc.wait(timeout=0.02)
            stream.read()
            if run.returncode is not None:
                break
            now = time.monotonic()
            if run.running != current:
                current, test_started = run.running, now
            limit = manifest.timeouts.get(current or "")
            if now > deadline:
                run.killed = "deadline"
            elif current and limit and now - test_started > limit + GRACE_S:
                run.killed = "timeout"
            elif run.events == 0 and now - started > STARTUP_S:
                run.killed = "startup"
            if run.killed:
                _kill(proc)
                stream.read()
                break
        if box.uid is not None and sandbox.isolation() == "unprivileged-user":
            sandbox.end_processes_of(box.uid)  # no PID namespace here: what it left running goes now
        stream.file.close()
        raw = log_path.read_bytes()
        run.log = raw[-LOG_TAIL:].decode(errors="replace")
    return run


_UIDS = itertools.cycle(sandbox.THROWAWAY_UIDS)
_UIDS_LOCK = threading.Lock()


def _throwaway_uid() -> int:
    """A uid no other running submission has (1,000 in rotation; jobs are at most 256)."""
    with _UIDS_LOCK:
        return next(_UIDS)


def _descendants(pid: int) -> list[int]:
    """Every process below `pid`, parents first (a judge's workers sit two levels down, in their sandbox)."""
    try:
        children = [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []
    return [p for child in children for p in (child, *_descendants(child))]


def _kill(proc: subprocess.Popen) -> None:
    """Every process below it (a sandbox's first process takes its PID namespace along), then the group."""
    for pid in _descendants(proc.pid):
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()


# --- one submission -------------------------------------------------------------------------------


def grade_file(manifest: Manifest, submission: Path, timeout: float = 300.0,
               zero_reference_imports: bool = False, classmates: Sequence[Path] = ()) -> Submission:
    """Grade one file: run the lab's tests on it, restarting after crashes and kills, then score."""
    start = time.monotonic()
    deadline = start + timeout
    outcomes: dict[str, dict[str, Any]] = {}
    flags: set[str] = set()
    notes: list[str] = []
    status, runs, ever_reported = None, 0, False
    refs = reference_imports(submission, manifest.lab_dir)
    if refs:
        flags.add("imports-reference")
        notes.append(f"imports the reference: {', '.join(refs)}")
    while (remaining := [n for n in manifest.nodeids if n not in outcomes]) and status is None:
        targets = [str(manifest.lab_dir)] if runs == 0 else remaining
        run = run_child(manifest, submission, targets, deadline, tuple(map(str, classmates)))
        runs += 1
        ever_reported |= run.events > 0
        before = len(outcomes)
        outcomes.update({n: r for n, r in run.results.items() if n in manifest.points})
        if run.forged or run.tampered:
            flags.add("tampered")
            notes.append(run.forged or "changed what the tests judge with: " + "; ".join(run.tampered[:5]))
            status = "graded" if not run.forged else "crashed"
            break
        if run.missing_api:
            flags.add("missing-api")
            if not any(n.startswith("lacks ") for n in notes):
                notes.append(f"lacks {len(run.missing_api)} of this lab's names: {', '.join(run.missing_api)}")
        if run.killed == "deadline":  # the passes so far stand; only what is left is lost
            for nodeid in remaining:
                outcomes.setdefault(nodeid, _lost(nodeid, f"not run: the submission's --timeout {timeout:g} s "
                                                  "ended grading first", "timeout"))
            flags.add("timeouts")
            notes.append(f"grading ran past --timeout {timeout:g} s; the tests not run by then earn nothing")
        elif run.killed == "startup":
            status = "no-results"
            notes.append(f"pytest did not start a test within {STARTUP_S:g} s")
        elif run.loading and run.returncode is not None:
            for nodeid in remaining:  # every test imports the file: every test would end the same way
                outcomes.setdefault(nodeid, _lost(nodeid, "the file ends the test process while being imported"))
            flags.add("crashes")
        elif run.running:
            why = (f"timed out (killed after {manifest.timeouts.get(run.running) or 0:g} s + {GRACE_S:g} s grace)"
                   if run.killed == "timeout" else
                   f"the test process ended during this test (exit status {run.returncode})")
            outcomes.setdefault(run.running, _lost(run.running, why, "timeout" if run.killed else "crashed"))
            flags.add("timeouts" if run.killed else "crashes")
        elif len(outcomes) == before:
            status = "crashed" if ever_reported else "no-results"
            notes.append("pytest ended without reporting the remaining tests:\n" + run.log.strip()[-LOG_TAIL:])
        if runs > MAX_RESTARTS and status is None and len(outcomes) < len(manifest.points):
            status = "crashed"
            notes.append(f"the test process ended {runs} times; the remaining tests were not run")
    return _score(manifest, submission, outcomes, status or "graded", flags, notes,
                  time.monotonic() - start, zero_reference_imports)


def _lost(nodeid: str, why: str, outcome: str = "crashed") -> dict[str, Any]:
    return {"nodeid": nodeid, "outcome": outcome, "message": why}


def _score(manifest: Manifest, submission: Path, outcomes: dict[str, dict[str, Any]], status: str,
           flags: set[str], notes: list[str], seconds: float, zero_reference_imports: bool) -> Submission:
    tests = []
    passed_ids = {n for n, got in outcomes.items() if got["outcome"] == "passed"}
    part_of = {nodeid: part.name for part in manifest.parts for nodeid in part.shares}
    earned = points.earned(manifest.parts, passed_ids)
    for nodeid, share in manifest.points.items():
        got = outcomes.get(nodeid, {"outcome": "not run", "message": "no result was recorded for this test"})
        passed = got["outcome"] == "passed"
        if got["outcome"] == "skipped":
            flags.add("skips")
        if (got.get("message") or "").startswith("Failed: Timeout"):  # pytest-timeout stopped it
            flags.add("timeouts")
        tests.append(TestResult(nodeid.split("::", 1)[1], got["outcome"], float(share) if passed else 0.0,
                                got.get("message"), part_of.get(nodeid, "")))
    if manifest.gated:
        flags.add("ungraded-here")
        notes.append(f"{len(manifest.gated)} tests cannot run on this machine and are not graded: "
                     f"{next(iter(manifest.gated.values()))}")
    loading = next((got["message"] for got in outcomes.values() if " cannot be imported: " in (got.get("message") or "")
                    or " stops the process while being imported " in (got.get("message") or "")), None)
    if loading:  # a syntax error must not read like an untouched starter
        flags.add("load-error")
        notes.insert(0, loading.removeprefix("mini_vllm.grading.loader.GradedFileError: "))
    isolation = sandbox.isolation()
    if isolation == "none":
        notes.insert(0, sandbox.UNISOLATED)
    if manifest.verdict != "judge":
        notes.append(IN_PROCESS)
    zeroed = status != "graded" or "tampered" in flags or (zero_reference_imports and "imports-reference" in flags)
    return Submission(
        path=str(submission), passed=sum(t.outcome == "passed" for t in tests), total=len(tests),
        score=0.0 if zeroed else round(float(earned), 2), max_score=float(manifest.max_score), status=status,
        flags=sorted(flags), seconds=round(seconds, 2), message="\n".join(notes), tests=tests, isolation=isolation,
        verdict=manifest.verdict,
        requirements=[RequirementResult(part.name, part.section,
                                        0.0 if zeroed else round(float(part.earned(passed_ids)), 2),
                                        round(float(part.maximum), 2), sum(n in passed_ids for n in part.shares),
                                        len(part.shares)) for part in manifest.parts],
    )


def reference_imports(submission: Path, lab_dir: Path) -> list[str]:
    """mini_vllm modules (or solution files) the submission imports that its starter does not provide."""
    with _AST_LOCK:  # CPython 3.11's ast.parse is not safe in concurrent threads (SystemError)
        try:
            tree = ast.parse(submission.read_text(errors="replace"))
        except SyntaxError:
            return []
        starter = (lab_dir / "starter.py").read_text()
        starter_tree = ast.parse(starter)
    provided = {name for name in _imported(starter_tree) if name.startswith("mini_vllm")}
    provided |= {word.strip("`.,:;()") for word in starter.split() if word.startswith("mini_vllm.")}
    found = []
    for name in _imported(tree):
        root = name.split(".")[0]
        if root == "solution" or (root == "mini_vllm" and not any(
                name == p or name.startswith(p + ".") for p in provided)):
            found.append(name)
    found += [node.value for node in ast.walk(tree) if isinstance(node, ast.Constant)
              and isinstance(node.value, str) and node.value.endswith("solution.py")]
    return sorted(set(found))


def _imported(tree: ast.AST) -> list[str]:
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names += [node.module] + [f"{node.module}.{alias.name}" for alias in node.names
                                      if node.module == "mini_vllm"]
        elif (isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant)
              and isinstance(node.args[0].value, str)
              and getattr(node.func, "attr", getattr(node.func, "id", "")) in ("import_module", "__import__")):
            names.append(node.args[0].value)
    return names


def grade(lab_dir: Path, submissions: Sequence[Path], jobs: int = 1, timeout: float = 300.0,
          max_points: float | None = None, test_timeout: float | None = None,
          zero_reference_imports: bool = False) -> tuple[Manifest, list[Submission]]:
    """Grade many submissions against one lab, `jobs` at a time; results in the given order."""
    if os.geteuid() == 0 and sandbox.isolation() == "unprivileged-user":
        barred = sandbox.unreachable(NEEDED)
        if barred:  # no mount can open a way here: graded code would run another Python, or none
            raise PermissionError(f"the unprivileged grading user cannot reach {barred[0]} (a folder above it "
                                  "is closed to other users): install the course and its Python where others may read")
    manifest = collect_manifest(lab_dir, max_points, test_timeout)
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        graded = list(pool.map(lambda s: grade_file(manifest, s, timeout, zero_reference_imports, submissions),
                               submissions))
    return manifest, graded
