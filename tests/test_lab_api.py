"""Each starter mirrors its solution's API exactly: same public names, signatures, docstrings.

A student fills in bodies; they should never have to guess a name or an argument order, and a
grader written against the solution must run unchanged against any starter-shaped file.
"""

from __future__ import annotations

import enum
import inspect
from pathlib import Path

import pytest

LABS = Path(__file__).resolve().parents[1] / "phase-05-cuda-graphs-and-torch-compile" / "labs"
LAB_DIRS = sorted(p.parent for p in LABS.glob("lab-*/test_lab.py"))


def describe(obj: object) -> object:
    """What a student relies on: a signature and docstring, recursively for classes."""
    if isinstance(obj, type) and issubclass(obj, enum.Enum):
        return ("enum", [(m.name, m.value) for m in obj], _members(obj, enum_members=True))
    if isinstance(obj, type):
        return ("class", inspect.getdoc(obj), _members(obj))
    if callable(obj):
        return ("callable", str(inspect.signature(obj)), inspect.getdoc(obj))
    return ("value", repr(obj))


def _members(cls: type, enum_members: bool = False) -> dict[str, object]:
    names = [n for n, v in vars(cls).items()
             if (not n.startswith("_") or n in ("__init__", "__call__", "__bool__", "__str__"))
             and not (enum_members and isinstance(v, cls))]
    out: dict[str, object] = {}
    for name in sorted(names):
        raw = vars(cls)[name]
        target = raw.__func__ if isinstance(raw, (classmethod, staticmethod)) else raw
        if isinstance(raw, property):
            out[name] = ("property", inspect.getdoc(raw))
        elif callable(target):
            out[name] = (type(raw).__name__, str(inspect.signature(target)))
    return out


@pytest.mark.parametrize("lab_dir", LAB_DIRS, ids=[p.name for p in LAB_DIRS])
def test_starter_exposes_the_solution_api(lab_dir: Path, lab_loader) -> None:
    solution = lab_loader(lab_dir, "solution")
    starter = lab_loader(lab_dir, "starter")
    for module in (solution, starter):
        assert hasattr(module, "__all__"), f"{module.__file__} must list its API in __all__"
    assert sorted(starter.__all__) == sorted(solution.__all__), (
        f"{lab_dir.name}: starter exports {sorted(starter.__all__)}, "
        f"solution exports {sorted(solution.__all__)}"
    )
    for name in solution.__all__:
        want, got = describe(getattr(solution, name)), describe(getattr(starter, name))
        assert got == want, f"{lab_dir.name}: starter.{name} differs from solution.{name}:\n{got}\n!=\n{want}"
