"""A lab's grading.toml: the answer files the lab asks students to write, and its points by requirement.

One declared table per lab, next to its tests, so the student release, the sandbox that hides
the answers and the score all read the same list, and a new lab is one new file, not new
logic. INSTRUCTORS.md ("A lab's grading.toml") documents the format.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from fnmatch import fnmatchcase
from fractions import Fraction
from functools import cache
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pytest depends on tomli before 3.11
    import tomli as tomllib

FILE = "grading.toml"
VERDICTS = ("judge", "in-process")  # in-process: for a lab whose tests could not cross the channel (none today)
MIN_WEIGHT_SHARE = Fraction(1, 10)  # a requirement weighs at least this share of the lab's maximum


@dataclass(frozen=True)
class Requirement:
    """One thing the README asks for, the test functions that check it, and what it is worth."""

    name: str
    section: str
    weight: Fraction
    tests: tuple[str, ...]  # test function names, or fnmatch patterns such as "test_replay_*"

    def covers(self, function: str) -> bool:
        return any(fnmatchcase(function, pattern) for pattern in self.tests)


@dataclass(frozen=True)
class LabConfig:
    lab_dir: Path
    answers: tuple[str, ...]  # repository-relative files of the reference this lab asks students to write
    requirements: tuple[Requirement, ...]
    provided: tuple[str, ...] = ()  # mini_vllm files the lab gives (types, helpers) that its solution re-exports
    verdict: str = "judge"  # where its tests run when graded: "judge" (beside a worker) or "in-process"

    def requirement_of(self, function: str) -> Requirement:
        """The one requirement a test function belongs to; ValueError when it is in none or several."""
        found = [r for r in self.requirements if r.covers(function)]
        if len(found) != 1:
            where = "no requirement" if not found else f"{len(found)} requirements ({', '.join(r.name for r in found)})"
            raise ValueError(f"{self.lab_dir.name}/{FILE}: test function {function!r} is in {where}; "
                             "list it under exactly one [[requirement]]")
        return found[0]

    def check(self, functions: set[str]) -> None:
        """Every collected function in exactly one requirement, and no name that matches no test."""
        for requirement in self.requirements:
            unknown = [p for p in requirement.tests if not any(fnmatchcase(f, p) for f in functions)]
            if unknown:
                raise ValueError(f"{self.lab_dir.name}/{FILE}: requirement {requirement.name!r} names "
                                 f"{unknown}, which match no test function of the lab")
        for function in sorted(functions):
            self.requirement_of(function)


@cache
def read(lab_dir: Path) -> LabConfig | None:
    """The lab's grading.toml, validated; None for a folder without one (every test then weighs alike)."""
    path = Path(lab_dir) / FILE
    if not path.is_file():
        return None
    data = tomllib.loads(path.read_text())
    unknown = set(data) - {"answers", "provided", "requirement", "verdict"}
    if unknown:
        raise ValueError(f"{path}: unknown keys {sorted(unknown)}; allowed: answers, provided, verdict, [[requirement]]")
    verdict = data.get("verdict", "judge")
    if verdict not in VERDICTS:
        raise ValueError(f"{path}: verdict = {verdict!r}; allowed: {', '.join(map(repr, VERDICTS))}")
    requirements = tuple(_requirement(path, raw) for raw in data.get("requirement", []))
    total = sum((r.weight for r in requirements), Fraction(0))
    for r in requirements:
        if r.weight < MIN_WEIGHT_SHARE * total:
            raise ValueError(f"{path}: requirement {r.name!r} weighs {r.weight} of {total}; each must weigh at "
                             f"least {MIN_WEIGHT_SHARE} of the total, so that missing it costs 10 of 100 points")
    names = [r.name for r in requirements]
    if len(set(names)) != len(names):
        raise ValueError(f"{path}: requirement names must be unique, got {names}")
    answers, provided = (_paths(path, data, key) for key in ("answers", "provided"))
    if both := set(answers) & set(provided):
        raise ValueError(f"{path}: {sorted(both)} cannot be both an answer and provided")
    return LabConfig(Path(lab_dir), answers, requirements, provided, verdict)


def _paths(path: Path, data: dict, key: str) -> tuple[str, ...]:
    paths = data.get(key, [])
    if not isinstance(paths, list) or not all(isinstance(a, str) and a.endswith(".py") for a in paths):
        raise ValueError(f"{path}: {key} must be a list of repository-relative .py paths, got {paths!r}")
    return tuple(paths)


def _requirement(path: Path, raw: dict) -> Requirement:
    keys = {"name", "section", "weight", "tests"}
    if set(raw) != keys:
        raise ValueError(f"{path}: a [[requirement]] has exactly the keys {sorted(keys)}, got {sorted(raw)}")
    weight = Fraction(str(raw["weight"]))
    if weight <= 0 or not raw["tests"]:
        raise ValueError(f"{path}: requirement {raw['name']!r} needs a weight > 0 and at least one test")
    return Requirement(str(raw["name"]), str(raw["section"]), weight, tuple(raw["tests"]))


def points_section(config: LabConfig) -> str:
    """The README's "## Points" section, written from the same table the grader reads."""
    rows = "\n".join(f"| {r.name} | {r.section} | {r.weight} |" for r in config.requirements)
    return ("## Points\n"
            f"Out of 100, by requirement (this lab's `{FILE}`). A requirement's points are shared by its "
            "tests; a requirement\nnot fully met also loses 10 points (never below 0), so each concept "
            "counts whole. Requirements\nwhose tests cannot run on the grading machine (no GPU, no torch) "
            "are left out and the rest scaled to 100.\n\n"
            f"| requirement | README section | points |\n|---|---|---|\n{rows}\n")
