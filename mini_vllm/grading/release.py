"""The course as students get it for a graded class: `mini-vllm release student OUTDIR`.

Left out: every lab's solution.py, independent/ and chaffs/, the "## After the lab" section of
each lab README, the answer modules each lab's grading.toml declares, every mini_vllm module
that imports one of them when imported (it could not import anyway; a function that imports one
fails when called, as `mini-vllm ladder` does), and the instructors' material (tests/,
tools/, INSTRUCTORS.md, CI). A package __init__ that re-exports a left-out module is emptied.
Everything the labs need to run and grade stays: the harness, the provided helpers, the types.
"""

from __future__ import annotations

import ast
import shutil
import subprocess
from pathlib import Path

from mini_vllm.grading import labconfig

ROOT = Path(__file__).resolve().parents[2]
LABS = ROOT / "phase-05-cuda-graphs-and-torch-compile" / "labs"
INSTRUCTORS_ONLY = ("tests/", "tools/", ".ci/", ".github/", "INSTRUCTORS.md")
LAB_ANSWERS = ("solution.py", "independent/", "chaffs/")
EMPTY_INIT = '"""Emptied: this package re-exported modules students write (the release, the sandbox)."""\n'


def tracked_files() -> list[str]:
    """The course's files (git's list when it is a checkout, else every file but caches)."""
    if (ROOT / ".git").exists():
        out = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True, timeout=60)
        return [f for f in out.stdout.decode().split("\0") if f and (ROOT / f).is_file()]
    return [p.relative_to(ROOT).as_posix() for p in ROOT.rglob("*")
            if p.is_file() and not any(part.startswith((".", "__pycache__")) for part in p.parts)]


def uncommitted_files(root: Path = ROOT) -> list[str]:
    """Files git neither tracks nor ignores: a release built from git's list leaves them out, so
    an instructor who has not yet added a new lab file is told instead of finding it missing."""
    if not (root / ".git").exists():
        return []
    out = subprocess.run(["git", "ls-files", "-z", "--others", "--exclude-standard"], cwd=root,
                         capture_output=True, check=True, timeout=60)
    return sorted(f for f in out.stdout.decode().split("\0") if f)


def imports_of(path: Path, nested: bool = True) -> set[str]:
    """Repository-relative files of the mini_vllm modules `path` imports (with `nested` false,
    only those it imports when it is imported, not those a function imports when called)."""
    found = set()
    for node in _run_time_nodes(ast.parse(path.read_text()), nested):
        names = ([a.name for a in node.names] if isinstance(node, ast.Import) else
                 [node.module] if isinstance(node, ast.ImportFrom) and node.module and not node.level else [])
        for name in names:
            if name.startswith("mini_vllm"):
                base = name.replace(".", "/")
                found |= {f for f in (f"{base}.py", f"{base}/__init__.py") if (ROOT / f).is_file()}
    return found


def _run_time_nodes(tree: ast.AST, nested: bool = True) -> list[ast.AST]:
    """Every node but those under `if TYPE_CHECKING:` (imports for type hints never run), and
    without `nested`, but those inside a function."""
    nodes, todo = [], [tree]
    while todo:
        node = todo.pop()
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            todo += node.orelse
            continue
        if not nested and isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            continue
        nodes.append(node)
        todo += ast.iter_child_nodes(node)
    return nodes


def plan(files: list[str], labs: list[Path]) -> tuple[set[str], set[str], list[str]]:
    """(files left out, package __init__ files emptied, warnings) for a release of `labs`."""
    answers = {a for lab in labs if (c := labconfig.read(lab)) for a in c.answers}
    modules = [f for f in files if f.startswith("mini_vllm/") and f.endswith(".py")]
    graph = {f: imports_of(ROOT / f) - {f} for f in modules}
    lab_files = [f for f in files if f.startswith(LABS.relative_to(ROOT).as_posix()) and f.endswith(".py")]
    needed, todo = set(), [d for f in lab_files + ["conftest.py"] if not _left_out(f) for d in imports_of(ROOT / f)]
    while todo:  # what the starters, the tests and the harness import, with what that imports
        f = todo.pop()
        if f not in needed:
            needed.add(f)
            todo += graph.get(f, set())
    warnings = [f"{a} ships: the labs' provided code needs it ({', '.join(sorted(n for n in needed if a in graph.get(n, ())))})"
                for a in sorted(answers & needed)]
    removed = answers - needed
    on_import = {f: imports_of(ROOT / f, nested=False) - {f} for f in modules}
    changed = True
    while changed:  # a module that imports a removed one goes too, unless it is a package __init__;
        # one whose functions import it stays (a subcommand that shows an answer says so when run)
        extra = {f for f, deps in on_import.items() if f not in removed and not f.endswith("__init__.py") and deps & removed}
        changed, removed = bool(extra), removed | extra
    emptied = {f for f, deps in on_import.items() if f.endswith("__init__.py") and deps & removed}
    return {f for f in files if _left_out(f)} | removed, emptied, warnings


def _left_out(f: str) -> bool:
    in_lab = f.split("/labs/", 1)[-1].split("/", 1)[-1] if "/labs/" in f else ""
    return f.startswith(INSTRUCTORS_ONLY) or any(in_lab == a or in_lab.startswith(a) for a in LAB_ANSWERS)


def without_after_the_lab(readme: str) -> str:
    """A lab README cut from '## After the lab' to the next level-2 heading (or the end)."""
    head, sep, rest = readme.partition("\n## After the lab\n")
    if not sep:
        return readme
    tail = rest.split("\n## ", 1)
    return head + ("\n\n## " + tail[1] if len(tail) == 2 else "\n")


def release_student(outdir: Path) -> list[str]:
    """Write the student release into `outdir` (which must not exist); return its warnings."""
    outdir = Path(outdir)
    if outdir.exists():
        raise ValueError(f"OUTDIR {str(outdir)!r} already exists; name a new folder")
    files = tracked_files()
    left_out, emptied, warnings = plan(files, sorted(p.parent for p in LABS.glob("lab-*/test_lab.py")))
    for f in files:
        if f in left_out:
            continue
        target = outdir / f
        target.parent.mkdir(parents=True, exist_ok=True)
        if f in emptied:
            target.write_text(EMPTY_INIT)
        elif f.endswith("README.md") and "/labs/lab-" in f:
            target.write_text(without_after_the_lab((ROOT / f).read_text()))
        else:
            shutil.copy2(ROOT / f, target)
    return warnings
