"""The pytest side of the grading harness: gates, timeouts, recorded results, points, integrity.

Loaded by the root conftest.py, so every pytest run has it. It records each test's outcome in
the process that reports it (the controller under `pytest -n N`), prints a per-lab score for
any run that does not grade the reference, and, when `mini-vllm grade` starts the run, writes
every result to a signed stream the grader reads instead of trusting an exit code.
INSTRUCTORS.md explains every environment variable it reads (a test keeps that list whole).
"""

from __future__ import annotations

import hashlib
import hmac
import importlib.util
import json
import os
import re
import sys
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cache, cached_property
from pathlib import Path
from typing import Any

import pytest

from mini_vllm.grading import labconfig, loader, points
from mini_vllm.grading.integrity import Snapshot

OUTPUT_CAP = 8_000  # characters of captured output kept per test and stream
MESSAGE_CAP = 600
DEEP_CHECK_EVERY = 16  # tests between the costly part of the integrity check (and after the last)

_harness_key = pytest.StashKey["Harness"]()
_gated_key = pytest.StashKey[str]()
_weight_key = pytest.StashKey[Fraction]()


# --- the gates: GPU, vLLM and torch tests skip with a reason, or fail when required ------------


@cache
def _torch_missing() -> str | None:
    if importlib.util.find_spec("torch") is None:
        return "torch is not installed (a CPU build is enough: see lab-06's README, 'Run and grade')"
    return None


@cache
def _cuda_missing() -> str | None:
    if importlib.util.find_spec("torch") is None:
        return "torch is not installed (pip install -e '.[gpu]' on a machine with a CUDA GPU)"
    import torch  # imported only when a gpu test is actually about to run

    return None if torch.cuda.is_available() else "no CUDA device is available"


@cache
def _vllm_missing() -> str | None:
    if importlib.util.find_spec("vllm") is None:
        return "vllm is not installed (pip install -e '.[vllm]', vllm==0.22.1)"
    return None


GATES = (
    ("gpu", _cuda_missing, "LAB_REQUIRE_GPU"),
    ("vllm", _vllm_missing, "LAB_REQUIRE_GPU"),
    ("torch", _torch_missing, "LAB_REQUIRE_TORCH"),
)


def _gated_by(item: pytest.Item, marker: str) -> bool:
    """A test carries a gate's marker; `vllm(reads_source=True)` reads upstream's files, not an install."""
    found = item.get_closest_marker(marker)
    return found is not None and not found.kwargs.get("reads_source", False)


def gate(item: pytest.Item) -> str | None:
    """Why this test cannot run here (it will be skipped), or None when it runs."""
    for marker, missing, required_by in GATES:
        if _gated_by(item, marker) and (reason := missing()) and os.environ.get(required_by) != "1":
            return reason
    return None


# --- the signed result stream that mini-vllm grade reads ---------------------------------------


class ResultStream:
    """Lines of JSON, each signed with a key the graded file never sees in its environment.

    The key arrives through a pipe that is read and closed before any graded code runs, so
    a file that writes the results itself writes lines the grader rejects.
    """

    def __init__(self, fd: int, key: bytes) -> None:
        self.fd, self.key, self.seq = fd, key, 0

    @classmethod
    def from_environment(cls) -> ResultStream | None:
        fd, key_fd = os.environ.pop("LAB_GRADE_RESULTS_FD", None), os.environ.pop("LAB_GRADE_KEY_FD", None)
        if fd is None or key_fd is None:
            return None
        with os.fdopen(int(key_fd), "rb") as pipe:
            key = pipe.read()
        return cls(int(fd), key)

    def emit(self, **event: Any) -> None:
        body = json.dumps({"seq": self.seq, **event}, sort_keys=True)
        self.seq += 1
        os.write(self.fd, f"{sign(self.key, body)} {body}\n".encode())


def sign(key: bytes, body: str) -> str:
    return hmac.new(key, body.encode(), hashlib.sha256).hexdigest()


# --- the harness: one per pytest process, registered as a plugin --------------------------------


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini("lab_points", "points: '* = 100', '<lab> = <max>', '<lab>::<test function> = <weight>'",
                  type="linelist", default=[])
    parser.addini("lab_timeout_torch", "per-test timeout (s) for torch-marked tests", default="120")
    parser.addini("lab_timeout_gpu", "per-test timeout (s) for gpu-marked tests", default="900")
    parser.addini("lab_timeout_tests", "per-test timeout (s) for tests outside the labs (they start processes)",
                  default="300")


def pytest_configure(config: pytest.Config) -> None:
    try:
        choice = loader.lab_impl_choice(os.environ.get("LAB_IMPL"))
    except ValueError as err:
        raise pytest.UsageError(str(err)) from None
    config.addinivalue_line("markers", "points(weight): this test function's weight in its lab's points (default 1)")
    config.stash[_harness_key] = Harness(config, choice, ResultStream.from_environment())
    config.pluginmanager.register(config.stash[_harness_key], "lab-harness")
    config.pluginmanager.register(_OneLineReports(), "lab-one-line-reports")


def harness(config: pytest.Config) -> Harness:
    return config.stash[_harness_key]


def lab_of(nodeid: str) -> str | None:
    return _lab_of_file(nodeid.split("::", 1)[0])


@cache
def _lab_of_file(path: str) -> str | None:
    """The lab folder a test file sits in (a few files, thousands of tests: parsed once each)."""
    parts = Path(path).parts
    return parts[parts.index("labs") + 1] if "labs" in parts[:-2] else None


def load_graded(request: pytest.FixtureRequest) -> Any:
    """Import the file under test for the lab whose tests ask, noting what a grader must know."""
    h = harness(request.config)
    lab_dir = Path(request.path).parent
    if h.stream:
        h.stream.emit(event="loading", lab=lab_dir.name)
    if h.judge:  # the graded file runs in a worker; the tests get a proxy (mini_vllm/grading/remote.py)
        module = h.started.pop(lab_dir, None) or _open_remote(lab_dir, h.choice)
        if isinstance(module, BaseException):
            raise module
        request.addfinalizer(module.close)
        names = set(module.names)
        missing = [name for name in loader.lab_api(lab_dir) if name not in names]
    else:
        module = loader.load_lab_module(lab_dir, h.choice)
        missing = loader.missing_api(lab_dir, module)
    if isinstance(h.choice, Path) and missing:
        h.missing_api[lab_dir.name] = missing
    if h.stream:
        h.stream.emit(event="loaded", lab=lab_dir.name, missing_api=h.missing_api.get(lab_dir.name, []))
    return module


def open_fresh(request: pytest.FixtureRequest) -> Any:
    """The file under test loaded again, in a new process of its own: a worker (in judge mode, inside
    the submission's sandbox), with Python's hash salted afresh, as any new interpreter has it."""
    from mini_vllm.grading import remote

    lab = remote.open_lab(Path(request.path).parent, harness(request.config).choice, env={"PYTHONHASHSEED": "random"})
    request.addfinalizer(lab.close)
    return lab


@pytest.fixture(autouse=True)
def _tmp_path_the_worker_writes(request: pytest.FixtureRequest) -> None:
    """In judge mode a test's tmp_path is where the graded code writes (a compile cache): pytest makes
    it private to the grading user, and a root grader's worker runs as another, so it is opened up."""
    if "tmp_path" in request.fixturenames and harness(request.config).judge:
        path = request.getfixturevalue("tmp_path")
        os.chmod(path, 0o777)
        os.chmod(path.parent, 0o755)


def _open_remote(lab_dir: Path, choice: str | Path) -> Any:
    """A worker for the lab, or the error that kept it from loading (raised by the `lab` fixture)."""
    from mini_vllm.grading import remote

    try:
        return remote.open_lab(lab_dir, choice)
    except (loader.GradedFileError, OSError) as err:
        return err


def timeout_of(item: pytest.Item) -> float | None:
    if marker := item.get_closest_marker("timeout"):
        return float(marker.args[0]) if marker.args else float(marker.kwargs["timeout"])
    raw = item.config.getini("timeout") if item.config.pluginmanager.hasplugin("timeout") else None
    return float(raw) if raw else None


@dataclass(eq=False)  # a plugin must hash by identity
class Harness:
    """Everything one pytest process knows about what it grades, and the results it recorded."""

    config: pytest.Config
    choice: str | Path
    stream: ResultStream | None
    results: dict[str, dict[str, Any]] = field(default_factory=dict)
    collected: list[str] = field(default_factory=list)
    missing_api: dict[str, list[str]] = field(default_factory=dict)
    tampered: list[str] = field(default_factory=list)
    snapshot: Snapshot | None = None
    checked: int = 0
    judge: bool = field(default_factory=lambda: os.environ.get("LAB_JUDGE") == "1")
    started: dict[Path, Any] = field(default_factory=dict)  # judge mode: workers started before any test's clock
    last_item: bool = False

    @cached_property
    def table(self) -> points.Table:
        """The `lab_points` lines, parsed once: collection, the manifest and the score table read them."""
        return points.Table.parse(self.config.getini("lab_points"))

    def pytest_report_header(self, config: pytest.Config) -> list[str]:
        what = f"the file {self.choice}" if isinstance(self.choice, Path) else f"each lab's {self.choice}.py"
        lines = [f"LAB_IMPL: grading {what}"]
        if self.judge:
            lines.append("LAB_JUDGE=1: the graded file runs in a worker process; the tests call it through a pipe")
        if not config.pluginmanager.hasplugin("timeout"):
            lines.append("no per-test timeout: pytest-timeout is not installed (pip install -e '.[dev]')")
        return lines

    # collection: timeouts per marker, weights, the integrity snapshot, the grader's manifest

    def pytest_collection_modifyitems(self, config: pytest.Config, items: list[pytest.Item]) -> None:
        # A --timeout on the command line is one limit for every test; otherwise by marker.
        has_timeout = config.pluginmanager.hasplugin("timeout") and config.getoption("timeout") is None
        for item in items:
            if has_timeout and not item.get_closest_marker("timeout"):
                kinds = [m for m in ("gpu", "torch") if item.get_closest_marker(m)]
                kinds += [] if lab_of(item.nodeid) else ["tests"]
                if kinds:  # the longest limit that applies
                    item.add_marker(pytest.mark.timeout(max(float(config.getini(f"lab_timeout_{k}")) for k in kinds)))
            weight = item.get_closest_marker("points")
            item.stash[_weight_key] = self.table.weight(lab_of(item.nodeid) or "", points.function_of(item.nodeid),
                                                   weight.args[0] if weight else None)

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        self.collected = [item.nodeid for item in session.items]
        if out := os.environ.get("LAB_GRADE_MANIFEST"):
            self.write_manifest(session, Path(out))
        if self.judge and not os.environ.get("LAB_GRADE_MANIFEST"):
            labs = {Path(item.path).parent for item in session.items
                    if lab_of(item.nodeid) and "lab" in getattr(item, "fixturenames", ())}
            self.started = {lab_dir: _open_remote(lab_dir, self.choice) for lab_dir in sorted(labs)}
        if self.choice != "solution" and session.items and not self.judge:  # judged: no graded code runs here
            if not _torch_missing() and any(item.get_closest_marker("torch") and not gate(item)
                                            for item in session.items):
                import torch  # noqa: F401  (snapshot torch's comparisons before graded code runs)
                import torch._dynamo  # noqa: F401  (it rebinds torch.manual_seed when first imported)
            modules = {item.module for item in session.items if isinstance(item, pytest.Function)}
            self.snapshot = Snapshot.take([*modules, sys.modules[__name__], sys.modules[loader.__name__]],
                                          session.config.pluginmanager)

    def write_manifest(self, session: pytest.Session, out: Path) -> None:
        """The graded tests of this collection: the grader's trusted denominator."""
        tests = [{"nodeid": item.nodeid, "lab": lab_of(item.nodeid), "function": points.function_of(item.nodeid),
                  "weight": str(item.stash[_weight_key]), "timeout": timeout_of(item), "gated": gate(item)}
                 for item in session.items]
        labs = sorted({t["lab"] for t in tests if t["lab"]})
        out.write_text(json.dumps({"tests": tests, "max_points": {lab: str(self.table.maximum(lab)) for lab in labs}}))

    # running: gates, and graded code that tries to end the run from inside a test

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_setup(self, item: pytest.Item) -> None:
        for marker, missing, required_by in GATES:
            if _gated_by(item, marker) and (reason := missing()):
                if os.environ.get(required_by) == "1":
                    pytest.fail(f"{reason}, and {required_by}=1 forbids skipping", pytrace=False)
                item.stash[_gated_key] = reason
                pytest.skip(reason)

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_teardown(self, item: pytest.Item, nextitem: pytest.Item | None) -> None:
        self.last_item = nextitem is None
        if self.judge and nextitem is not None and (remote := sys.modules.get("mini_vllm.grading.remote")):
            remote.revive()

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_call(self, item: pytest.Item):
        """pytest.exit() (and, when grading, KeyboardInterrupt) from graded code fails the test, not the run."""
        try:
            return (yield)
        except pytest.exit.Exception as err:
            pytest.fail(f"the graded code called pytest.exit({err.msg!r}): that fails this test", pytrace=False)
        except KeyboardInterrupt:
            if not self.stream:
                raise
            pytest.fail("the graded code raised KeyboardInterrupt", pytrace=False)

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo):
        report = yield
        report.lab_weight = str(item.stash.get(_weight_key, Fraction(1)))
        if call.excinfo is not None:
            report.lab_exception = call.excinfo.typename
            report.lab_message = _cap(call.excinfo.exconly(), MESSAGE_CAP)
        if call.when == "setup" and report.skipped and _gated_key in item.stash:
            report.lab_gated = item.stash[_gated_key]
        if (lab := lab_of(item.nodeid)) and lab in self.missing_api:
            report.lab_missing_api = self.missing_api[lab]
        report.sections = [(title, _cap(text, OUTPUT_CAP)) for title, text in report.sections]
        remote = sys.modules.get("mini_vllm.grading.remote") if self.judge else None
        if call.when == "teardown" and remote is not None:
            self.checked += 1
            if self.last_item or self.checked % DEEP_CHECK_EVERY == 0:  # a flag, not the verdict: not every test
                remote.check_integrity(deep=True)
            if remote.VIOLATIONS:
                report.lab_tampered = [str(v) for v in remote.VIOLATIONS[:10]]
        if call.when == "teardown" and self.snapshot is not None:
            self.checked += 1
            deep = self.last_item or self.checked % DEEP_CHECK_EVERY == 0
            if changes := self.snapshot.changes(deep):
                report.lab_tampered = changes[:10]
                self.snapshot = None  # reported once: the whole submission scores 0 from here
        return report

    # recording, in the process that reports (the controller under xdist)

    def pytest_runtest_logstart(self, nodeid: str) -> None:
        if self.stream:
            self.stream.emit(event="start", nodeid=nodeid)

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        entry = self.results.setdefault(report.nodeid, {
            "outcome": "passed", "exception": None, "message": None,
            "weight": getattr(report, "lab_weight", "1"), "gated": None})
        if report.skipped and entry["outcome"] == "passed":
            entry["outcome"] = "skipped"
            entry["gated"] = getattr(report, "lab_gated", None)
            reason = report.longrepr[-1] if isinstance(report.longrepr, tuple) else ""
            entry["message"] = _cap(str(reason), MESSAGE_CAP)
        elif report.failed:
            entry["outcome"] = "failed" if report.when == "call" else f"error in {report.when}"
            entry["exception"] = getattr(report, "lab_exception", None)
            entry["message"] = getattr(report, "lab_message", None) or _cap(str(report.longrepr), MESSAGE_CAP)
        if (lab := lab_of(report.nodeid)) and getattr(report, "lab_missing_api", None):
            self.missing_api[lab] = report.lab_missing_api
        self.tampered += [t for t in getattr(report, "lab_tampered", []) if t not in self.tampered]

    def pytest_runtest_logfinish(self, nodeid: str) -> None:
        if self.stream and nodeid in self.results:
            self.stream.emit(event="result", nodeid=nodeid, tampered=self.tampered, **self.results[nodeid])

    @pytest.hookimpl(optionalhook=True)
    def pytest_xdist_node_collection_finished(self, node: Any, ids: list[str]) -> None:
        if not self.collected:
            self.collected = list(ids)

    def pytest_terminal_summary(self, terminalreporter: Any, config: pytest.Config) -> None:
        if out := os.environ.get("LAB_RESULTS_JSON"):
            Path(out).write_text(json.dumps(self.results, indent=1))
        if self.choice != "solution" and (scores := lab_scores(self)):
            write_score_table(terminalreporter, self, scores)


def _cap(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    half = limit // 2
    return f"{text[:half]}\n... [{len(text) - limit} characters cut: output is capped] ...\n{text[-half:]}"


class _OneLineReports:
    """An unwritten body, or a file that cannot be imported, is reported in one line, not a traceback.

    Building the report here, first, also skips pytest's traceback formatting, which would
    otherwise make grading an untouched starter take seconds instead of a blink.
    """

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo):
        if call.excinfo is None or call.when == "teardown":
            return None
        if call.when == "call" and call.excinfo.errisinstance(NotImplementedError):
            text = f"not written yet: {call.excinfo.exconly()}"
        elif call.when == "setup" and call.excinfo.errisinstance(loader.GradedFileError):
            text = str(call.excinfo.value)
        else:
            return None
        return pytest.TestReport(
            item.nodeid, item.location, {k: 1 for k in item.keywords}, "failed", text, call.when,
            duration=call.duration, start=call.start, stop=call.stop, user_properties=item.user_properties,
        )


# --- the score table ------------------------------------------------------------------------------


@dataclass
class LabScore:
    passed: int = 0
    graded: int = 0
    gated: int = 0
    points: Fraction = Fraction(0)
    maximum: Fraction = Fraction(0)


def lab_scores(h: Harness) -> dict[str, LabScore]:
    """Per lab: passed over every graded test that was collected; tests the gates skipped are not graded."""
    by_lab: dict[str, list[str]] = {}
    for nodeid in dict.fromkeys([*h.collected, *h.results]):
        if lab := lab_of(nodeid):
            by_lab.setdefault(lab, []).append(nodeid)
    scores = {}
    for lab, nodeids in sorted(by_lab.items()):
        score = LabScore()
        gradable = []
        for nodeid in nodeids:
            entry = h.results.get(nodeid, {"outcome": "not run", "weight": "1", "gated": None})
            if entry["gated"]:
                score.gated += 1
                continue
            gradable.append((nodeid, points.function_of(nodeid), Fraction(entry["weight"])))
        parts = points.plan(gradable, labconfig.read(_lab_dir(h.config, lab)), h.table.maximum(lab))
        passed = {n for n, _, _ in gradable if h.results.get(n, {}).get("outcome") == "passed"}
        score.maximum = sum((part.maximum for part in parts), Fraction(0))
        score.graded, score.passed, score.points = len(gradable), len(passed), points.earned(parts, passed)
        if h.tampered:
            score.passed, score.points = 0, Fraction(0)
        scores[lab] = score
    return scores


def write_score_table(terminalreporter: Any, h: Harness, scores: dict[str, LabScore]) -> None:
    write = terminalreporter.write_line
    terminalreporter.section(f"lab score (LAB_IMPL={os.environ.get('LAB_IMPL')})")
    for lab, s in scores.items():
        note = f"   ({s.gated} not graded here: see the skip reasons)" if s.gated else ""
        write(f"{lab:<36} {s.passed:>3} / {s.graded:<3} passed   {float(s.points):5.1f} / "
              f"{float(s.maximum):g} points{note}")
        if where := graph_backends(lab, h.results):
            write(f"{'':<36} {where}")
    for lab, missing in sorted(h.missing_api.items()):
        names = ", ".join(missing[:6]) + (", ..." if len(missing) > 6 else "")
        total = len(loader.lab_api(_lab_dir(h.config, lab)))
        write(f"{lab}: the graded file lacks {len(missing)} of this lab's {total} names ({names}): "
              "is it the file for another lab?")
    if h.tampered:
        write("TAMPERED: the graded code changed what the tests judge with, so every score above is 0:")
        for change in h.tampered[:10]:
            write(f"  - {change}")


def graph_backends(lab: str, results: dict[str, dict[str, Any]]) -> str:
    """Where a lab's runner tests ran: ids '[cuda...' ran on a GPU, '[standin...' on the CPU stand-in."""
    ran = {"cuda": 0, "standin": 0}
    skipped = 0
    for nodeid, entry in results.items():
        backend = re.search(r"\[(cuda|standin)\b", nodeid)
        if backend and lab_of(nodeid) == lab:
            if entry["outcome"] == "skipped":
                skipped += backend.group(1) == "cuda"
            else:
                ran[backend.group(1)] += 1
    if not any(ran.values()) and not skipped:
        return ""
    note = f"; {skipped} CUDA runs skipped (no GPU)" if skipped else ""
    return f"runner tests: {ran['cuda']} ran on real CUDA, {ran['standin']} on the CPU stand-in{note}"


def _lab_dir(config: pytest.Config, lab: str) -> Path:
    return next(p for p in Path(config.rootpath).glob(f"*/labs/{lab}"))
