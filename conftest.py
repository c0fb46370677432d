"""The one loader every lab's tests stand on: LAB_IMPL picks the file that is graded.

A lab's test_lab.py never imports starter.py or solution.py. It asks for the `lab` fixture,
which loads the chosen file by path under a name unique to its lab (mini_vllm/grading/loader.py),
so one pytest process can grade every lab without mixing one lab's module with another's.
In judge mode (LAB_JUDGE=1, as `mini-vllm grade` runs a judged lab) the fixture is instead a
proxy for the file running in a worker process (mini_vllm/grading/remote.py).
The harness (mini_vllm/grading/plugin.py) gates the GPU, vLLM and torch tests, bounds every
test with a timeout, records each result, checks that graded code left the tests' judges
alone, and ends every non-solution run with a score per lab.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest

from mini_vllm.grading import loader

pytest_plugins = ("mini_vllm.grading.plugin",)


def lab_impl_choice(raw: str | None) -> str | Path:
    """LAB_IMPL's value as 'solution', 'starter' or a path; anything else is a usage error."""
    try:
        return loader.lab_impl_choice(raw)
    except ValueError as err:
        raise pytest.UsageError(str(err)) from None


@pytest.fixture(scope="module")
def lab(request: pytest.FixtureRequest) -> ModuleType:
    """The implementation under test for the lab whose test_lab.py asks for it."""
    from mini_vllm.grading.plugin import load_graded  # after pytest_plugins imported it, rewritten

    return load_graded(request)


@pytest.fixture
def lab_in_a_fresh_process(request: pytest.FixtureRequest) -> ModuleType:
    """The implementation under test loaded again in a new process, for claims about what a restart keeps
    (a compile cache on disk): its names are called there, as the judge calls a graded file's."""
    from mini_vllm.grading.plugin import open_fresh

    return open_fresh(request)


@pytest.fixture(scope="session")
def lab_loader() -> Callable[[Path, str | Path], ModuleType]:
    """The harness's loader itself, for tests that compare a lab's files (starter vs solution)."""
    return loader.load_lab_module
