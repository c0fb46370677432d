"""The one loader every lab's tests stand on: LAB_IMPL picks the file that is graded.

A lab's test_lab.py never imports starter.py or solution.py. It asks for the `lab` fixture,
which loads the chosen file by path under a name unique to its lab, so one pytest process can
grade every lab without mixing one lab's module with another's. This file also gates the GPU,
vLLM and torch tests (skip with a reason, or fail under LAB_REQUIRE_*), prints what is being
graded, and ends non-solution runs with a score per lab.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
from collections.abc import Callable
from functools import cache
from pathlib import Path
from types import ModuleType

import pytest

from mini_vllm.grading import loader

_choice_key = pytest.StashKey[object]()
_results_key = pytest.StashKey[dict]()


def lab_impl_choice(raw: str | None) -> str | Path:
    """LAB_IMPL's value as 'solution', 'starter' or a path; anything else is a usage error."""
    try:
        return loader.lab_impl_choice(raw)
    except ValueError as err:
        raise pytest.UsageError(str(err)) from None


def pytest_configure(config: pytest.Config) -> None:
    config.stash[_choice_key] = lab_impl_choice(os.environ.get("LAB_IMPL"))
    config.stash[_results_key] = {}
    config.pluginmanager.register(_UnwrittenBodies(), "lab-unwritten-bodies")


def pytest_report_header(config: pytest.Config) -> str:
    choice = config.stash[_choice_key]
    what = f"the file {choice}" if isinstance(choice, Path) else f"each lab's {choice}.py"
    return f"LAB_IMPL: grading {what}"


@pytest.fixture(scope="module")
def lab(request: pytest.FixtureRequest) -> ModuleType:
    """The implementation under test for the lab whose test_lab.py asks for it."""
    return loader.load_lab_module(Path(request.path).parent, request.config.stash[_choice_key])


@pytest.fixture(scope="session")
def lab_loader() -> Callable[[Path, str | Path], ModuleType]:
    """The harness's loader itself, for tests that compare a lab's files (starter vs solution)."""
    return loader.load_lab_module


# --- gating: GPU, vLLM and torch tests skip with a reason, or fail when required -------------


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


_GATES = (
    ("gpu", _cuda_missing, "LAB_REQUIRE_GPU"),
    ("vllm", _vllm_missing, "LAB_REQUIRE_GPU"),
    ("torch", _torch_missing, "LAB_REQUIRE_TORCH"),
)


def pytest_runtest_setup(item: pytest.Item) -> None:
    for marker, missing, required_by in _GATES:
        found = item.get_closest_marker(marker)
        if found and found.kwargs.get("reads_source"):  # reads source files, not an import: it gates itself
            continue
        if found and (reason := missing()):
            if os.environ.get(required_by) == "1":
                pytest.fail(f"{reason}, and {required_by}=1 forbids skipping", pytrace=False)
            pytest.skip(reason)


# --- results: the score table, and a JSON file for the instructor check ---------------------


def _lab_of(nodeid: str) -> str | None:
    parts = Path(nodeid.split("::")[0]).parts
    return parts[parts.index("labs") + 1] if "labs" in parts[:-2] else None


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    report = yield
    results = item.config.stash[_results_key]
    entry = results.setdefault(item.nodeid, {"outcome": "passed", "exception": None})
    if report.skipped and entry["outcome"] == "passed":
        entry["outcome"] = "skipped"
    elif report.failed:
        entry["outcome"] = "failed" if call.when == "call" else f"error in {call.when}"
        entry["exception"] = call.excinfo.typename if call.excinfo else None
    return report


class _UnwrittenBodies:
    """An unwritten body is not a bug to debug: report it as one line that says where to read.

    Building the report here, first, also skips pytest's traceback formatting, which would
    otherwise make grading an untouched starter take seconds instead of a blink.
    """

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo):
        if call.when != "call" or call.excinfo is None:
            return None
        if not call.excinfo.errisinstance(NotImplementedError):
            return None
        return pytest.TestReport(
            item.nodeid, item.location, {k: 1 for k in item.keywords}, "failed",
            f"not written yet: {call.excinfo.exconly()}", "call",
            duration=call.duration, start=call.start, stop=call.stop,
            user_properties=item.user_properties,
        )


def pytest_terminal_summary(terminalreporter, config: pytest.Config) -> None:
    choice = config.stash[_choice_key]
    results = config.stash[_results_key]
    if out := os.environ.get("LAB_RESULTS_JSON"):
        Path(out).write_text(json.dumps(results, indent=1))
    if choice == "solution":
        return
    scores: dict[str, list[int]] = {}
    for nodeid, entry in results.items():
        if lab_name := _lab_of(nodeid):
            passed, total, skipped = scores.setdefault(lab_name, [0, 0, 0])
            ran = entry["outcome"] != "skipped"
            scores[lab_name] = [passed + (entry["outcome"] == "passed"), total + ran,
                                skipped + (not ran)]
    if not scores:
        return
    terminalreporter.section(f"lab score (LAB_IMPL={os.environ.get('LAB_IMPL')})")
    for lab_name, (passed, total, skipped) in sorted(scores.items()):
        note = f"   ({skipped} skipped)" if skipped else ""
        terminalreporter.write_line(f"{lab_name:<36} {passed:>3} / {total:<3} passed{note}")
        if where := _graph_backends(lab_name, results):
            terminalreporter.write_line(f"{'':<36} {where}")


def _graph_backends(lab_name: str, results: dict) -> str:
    """Where a lab's runner tests ran: ids '[cuda...' ran on a GPU, '[standin...' on the CPU stand-in."""
    ran = {"cuda": 0, "standin": 0}
    skipped = 0
    for nodeid, entry in results.items():
        backend = re.search(r"\[(cuda|standin)\b", nodeid)
        if backend and _lab_of(nodeid) == lab_name:
            if entry["outcome"] == "skipped":
                skipped += backend.group(1) == "cuda"
            else:
                ran[backend.group(1)] += 1
    if not any(ran.values()) and not skipped:
        return ""
    note = f"; {skipped} CUDA runs skipped (no GPU)" if skipped else ""
    return f"runner tests: {ran['cuda']} ran on real CUDA, {ran['standin']} on the CPU stand-in{note}"
