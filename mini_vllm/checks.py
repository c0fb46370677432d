"""Argument checks shared by every module: one wording for "an int, at least this".

Counts, sizes and budgets are ints. bool is an int to Python but never a count here, and
numpy ints are welcome (they are what a sweep over np.arange hands you).
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence


def check_int(value: object, name: str, minimum: int = 1) -> int:
    """Return value as an int, or raise naming the argument: TypeError if not an int, ValueError if too small."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an int >= {minimum}, got {value!r} ({type(value).__name__})")
    if value < minimum:
        raise ValueError(f"{name} must be an int >= {minimum}, got {value}")
    return int(value)


def check_int_sequence(values: object, name: str) -> list[int]:
    """Return a non-empty sequence of ints >= 1 as a list, or raise naming the argument."""
    if isinstance(values, (str, bytes)) or not isinstance(values, Sequence):
        raise TypeError(f"{name} must be a sequence of ints >= 1, got {type(values).__name__}")
    if not values:
        raise ValueError(f"{name} must hold at least one int >= 1, got []")
    return [check_int(v, f"{name}[{i}]") for i, v in enumerate(values)]
