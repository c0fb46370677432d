"""Points: each lab totals a maximum (default 100), split over its test functions by weight.

A test function weighs 1 unless a `@pytest.mark.points(w)` marker or a line of the
`lab_points` table (pyproject's [tool.pytest.ini_options]) says otherwise; the cases of a
parametrized function share that function's points. A test function added later gets its
share without anyone editing the table. Table lines:
    "* = 100"                                   every lab's maximum
    "lab-04-graph-vs-eager-real = 50"           one lab's maximum
    "lab-03-cudagraph-mode::test_name = 3"      one test function's weight
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction

DEFAULT_MAX = Fraction(100)


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
    return nodeid.rsplit("::", 1)[-1].split("[", 1)[0]


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
