"""The one loader for graded files: LAB_IMPL's choices, and importing a lab file by path.

Every import of a graded file goes through `load_lab_module`, in the pytest process and in
any fresh process a test starts, so a student's file is imported the same way everywhere.
It registers the module in sys.modules before running it: dataclasses, enums and pickle
look a class's module up there, and a file with `from __future__ import annotations` and a
`@dataclass` crashes inside dataclasses without it.
"""

from __future__ import annotations

import ast
import importlib.util
import sys
import traceback
from functools import cache
from pathlib import Path
from types import ModuleType

CHOICES = "unset or 'solution' (the reference), 'starter' (your work), or a path to a .py file"


class GradedFileError(Exception):
    """The graded file cannot be imported: it raises, or it tries to end the process, on import."""


def lab_impl_choice(raw: str | None) -> str | Path:
    """Turn a LAB_IMPL value into 'solution', 'starter' or a file path; refuse anything else."""
    raw = (raw or "").strip()
    if raw in ("", "solution", "starter"):
        return raw or "solution"
    if raw.endswith(".py"):
        path = Path(raw).expanduser().resolve()
        if not path.is_file():
            raise ValueError(f"LAB_IMPL={raw!r}: no such file (allowed: {CHOICES})")
        return path
    raise ValueError(f"LAB_IMPL={raw!r} is not a choice; allowed: {CHOICES}")


def module_name(lab_dir: Path, choice: str | Path) -> str:
    """The sys.modules name of a lab file: unique per lab, so one process can grade every lab."""
    tag = "file_" + Path(choice).stem if isinstance(choice, Path) else choice
    return f"_lab_{lab_dir.name.replace('-', '_')}__{tag}"


def load_lab_module(lab_dir: Path, choice: str | Path) -> ModuleType:
    """Import a lab's starter, solution, or any file by path, under a name unique to the lab.

    A file that raises while being imported, or tries to stop the process (sys.exit,
    pytest.exit, a KeyboardInterrupt), raises GradedFileError: one line that says why,
    instead of a traceback per test or the end of the run that grades it.
    """
    lab_dir = Path(lab_dir)
    path = Path(choice) if isinstance(choice, Path) else lab_dir / f"{choice}.py"
    name = module_name(lab_dir, choice)
    if name in sys.modules and getattr(sys.modules[name], "__file__", None) == str(path):
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None, f"cannot load {path}"
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses and enums look their module up here
    try:
        spec.loader.exec_module(module)
    except BaseException as err:
        del sys.modules[name]
        if isinstance(err, Exception) and not _stops_pytest(err):
            raise GradedFileError(f"{path.name} cannot be imported: {type(err).__name__}: {err}"
                                  f"{_line_in(err, path)}") from err
        raise GradedFileError(
            f"{path.name} stops the process while being imported "
            f"({type(err).__name__}: {err}); a lab file must only define its API") from None
    return module


def _line_in(err: BaseException, path: Path) -> str:
    """' (line N)' of the deepest frame of `err` inside the graded file, or ''."""
    lines = [frame.lineno for frame in traceback.extract_tb(err.__traceback__) if frame.filename == str(path)]
    return f" (line {lines[-1]})" if lines and not isinstance(err, SyntaxError) else ""


def _stops_pytest(err: BaseException) -> bool:
    """pytest.exit() raises an Exception subclass that ends the whole run when it escapes a test."""
    outcomes = sys.modules.get("_pytest.outcomes")
    return outcomes is not None and isinstance(err, outcomes.Exit)


@cache
def lab_api(lab_dir: Path) -> tuple[str, ...]:
    """The names a lab grades: its starter's __all__, read without importing the starter."""
    tree = ast.parse((Path(lab_dir) / "starter.py").read_text())
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "__all__" for t in node.targets):
            return tuple(ast.literal_eval(node.value))
    return tuple(n.name for n in tree.body
                 if isinstance(n, (ast.FunctionDef, ast.ClassDef)) and not n.name.startswith("_"))


def missing_api(lab_dir: Path, module: ModuleType) -> list[str]:
    """The lab's graded names that `module` lacks (a file for another lab lacks most of them)."""
    return [name for name in lab_api(Path(lab_dir)) if not hasattr(module, name)]

