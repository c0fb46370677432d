"""Another lab's graded code, for a provided script or a later lab that builds on it.

lab-04's benchmark needs a CUDA-graph runner (its own §6), lab-02's step models and lab-05's
ladder. The full course has the reference of each; the student release has only the student's
files. So one call answers "lab-02's code" in every tree: the reference where the course ships
its answer modules (grading.toml's `answers`), else the student's own starter.py, and a student
then benchmarks their own runner on their own GPU. A script's own lab follows LAB_IMPL, as the
tests do.
"""

from __future__ import annotations

import importlib
import os
from pathlib import Path
from types import ModuleType

from mini_vllm.grading import labconfig
from mini_vllm.grading.loader import lab_api, lab_impl_choice, load_lab_module

ROOT = Path(__file__).resolve().parents[1]
LABS = ROOT / "phase-05-cuda-graphs-and-torch-compile" / "labs"


def lab_folder(lab: str) -> Path:
    """The folder of `lab`, named by its number ('lab-02') or its folder name."""
    found = [p.parent for p in sorted(LABS.glob("lab-*/starter.py")) if p.parent.name.startswith(f"{lab}-")
             or p.parent.name == lab]
    if not isinstance(lab, str) or len(found) != 1:
        names = [p.parent.name[:6] for p in sorted(LABS.glob("lab-*/starter.py"))]
        raise ValueError(f"lab must name one lab of the course, one of {names}; got {lab!r}")
    return found[0]


def lab_module(lab: str, impl: str | None = None) -> ModuleType:
    """`lab`'s API: LAB_IMPL's file when `impl` is given (a script passes LAB_IMPL for its own
    lab), else the reference where this tree has the lab's answer modules, else its starter.py."""
    folder = lab_folder(lab)
    choice = lab_impl_choice(impl)
    if choice != "solution":
        return load_lab_module(folder, choice)
    if (reference := _reference(folder)) is None and impl:
        raise ValueError(f"LAB_IMPL={impl!r}: this tree has no reference of {folder.name} (the student "
                         "release); name 'starter' or a .py file")
    return reference or load_lab_module(folder, "starter")


def own_lab_module(lab: str) -> ModuleType:
    """`lab`'s API for a script of that lab: the file LAB_IMPL names, as when grading it."""
    return lab_module(lab, os.environ.get("LAB_IMPL"))


def _reference(folder: Path) -> ModuleType | None:
    """The lab's API read from its declared answer and provided modules; None where an answer
    module is absent (the release) or hidden (a grading sandbox of that lab)."""
    config = labconfig.read(folder)
    if config is None or not config.answers or not all((ROOT / f).is_file() for f in config.answers):
        return None  # not this tree's (an install elsewhere may still import it: never that one)
    try:
        sources = [importlib.import_module(f.removesuffix(".py").replace("/", "."))
                   for f in (*config.answers, *config.provided)]
    except ImportError:
        return None
    module = ModuleType(f"mini_vllm reference of {folder.name}")
    for name in lab_api(folder):
        owner = next((m for m in sources if hasattr(m, name)), None)
        if owner is None:
            raise LookupError(f"{folder.name}: {name} is in no module of its grading.toml's answers or provided")
        setattr(module, name, getattr(owner, name))
    return module
