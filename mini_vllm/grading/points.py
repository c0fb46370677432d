"""Points: each lab totals a maximum (default 100), split over its requirements, then its tests.

A lab's grading.toml (labconfig) weighs its requirements; a requirement's points are split
over its test functions, and a requirement not fully met also loses a tenth of the lab's
maximum, so one conceptual bug costs at least 10 of 100 points however few cases catch it.
Within a requirement (or a lab without grading.toml) a test function weighs 1 unless a `@pytest.mark.points(w)` marker or a line of the
`lab_points` table (pyproject's [tool.pytest.ini_options]) says otherwise; the cases of a
parametrized function share that function's points. A test function added later gets its
share without anyone editing the table. Table lines:
    "* = 100"                                   every lab's maximum
    "lab-04-graph-vs-eager-real = 50"           one lab's maximum
    "lab-03-cudagraph-mode::test_name = 3"      one test function's weight
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from fractions import Fraction

from mini_vllm.grading.labconfig import LabConfig

DEFAULT_MAX = Fraction(100)
PENALTY_SHARE = Fraction(1, 10)  # of the lab's maximum, lost by each requirement not fully met


@dataclass(frozen=True)
class Table:
    """The parsed `lab_points` lines: maxima per lab and weights per test function."""

    maxima: dict[str, Fraction]
    weights: dict[str, Fraction]

    @classmethod
    def parse(cls, lines: Iterable[str]) -> Table:
        maxima: dict[str, Fraction] = {}
        weights: dict[str, Fraction] = {}
        for line in lines:
            key, sep, value = (part.strip() for part in line.partition("="))
            if not sep or not key:
                raise ValueError(f"lab_points: {line!r} is not 'NAME = NUMBER'")
            try:
                number = Fraction(value)
            except ValueError:
                raise ValueError(f"lab_points: {line!r} needs a number after '='") from None
            if number < 0:
                raise ValueError(f"lab_points: {line!r} must not be negative")
            (weights if "::" in key else maxima)[key] = number
        return cls(maxima, weights)

    def maximum(self, lab: str) -> Fraction:
        return self.maxima.get(lab, self.maxima.get("*", DEFAULT_MAX))

    def weight(self, lab: str, function: str, marker: float | None) -> Fraction:
        if marker is not None:
            return Fraction(marker)
        return self.weights.get(f"{lab}::{function}", Fraction(1))


def function_of(nodeid: str) -> str:
    """'path::test_x[case]' -> 'test_x': parametrized cases share their function."""
    return nodeid.split("[", 1)[0].rsplit("::", 1)[-1]


def split(tests: Iterable[tuple[str, str, Fraction]], maximum: Fraction) -> dict[str, Fraction]:
    """Points per test id for one lab, from (test id, function, weight) of its gradable tests."""
    tests = list(tests)
    cases: dict[str, int] = {}
    weights: dict[str, Fraction] = {}
    for _, function, weight in tests:
        cases[function] = cases.get(function, 0) + 1
        weights[function] = weight
    total = sum(weights.values())
    if not total:
        return {nodeid: Fraction(0) for nodeid, _, _ in tests}
    return {nodeid: maximum * weights[function] / total / cases[function] for nodeid, function, _ in tests}


@dataclass(frozen=True)
class Part:
    """One requirement's slice of a lab: its maximum, split over its test ids."""

    name: str
    section: str
    maximum: Fraction
    shares: dict[str, Fraction] = field(default_factory=dict)
    penalty: Fraction = Fraction(0)

    def earned(self, passed: set[str]) -> Fraction:
        """Its passed tests' shares; less the penalty (never below 0) unless every test passed."""
        got = sum((share for nodeid, share in self.shares.items() if nodeid in passed), Fraction(0))
        return got if all(n in passed for n in self.shares) else max(Fraction(0), got - self.penalty)


def plan(tests: Iterable[tuple[str, str, Fraction]], config: LabConfig | None, maximum: Fraction) -> list[Part]:
    """A lab's parts from (test id, function, weight) of its gradable tests; weights of parts left
    without a gradable test (GPU tests on a CPU machine) are shared out over the rest."""
    tests = list(tests)
    if config is None:
        return [Part("all tests", "", maximum, split(tests, maximum))]
    groups: dict[str, list[tuple[str, str, Fraction]]] = {r.name: [] for r in config.requirements}
    for test in tests:
        groups[config.requirement_of(test[1]).name].append(test)
    live = [r for r in config.requirements if groups[r.name]]
    total = sum((r.weight for r in live), Fraction(0))
    parts = []
    for r in live:
        top = maximum * r.weight / total
        parts.append(Part(r.name, r.section, top, split(groups[r.name], top), PENALTY_SHARE * maximum))
    return parts


def earned(parts: Iterable[Part], passed: set[str]) -> Fraction:
    return sum((part.earned(passed) for part in parts), Fraction(0))
