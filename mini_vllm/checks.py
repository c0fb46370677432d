"""Argument checks shared by every module: one wording for "an int, at least this".

Counts, sizes and budgets are ints. bool is an int to Python but never a count here, and
numpy ints are welcome (they are what a sweep over np.arange hands you).
"""

from __future__ import annotations

import numbers


def check_int(value: object, name: str, minimum: int = 1) -> int:
    """Return value as an int, or raise naming the argument: TypeError if not an int, ValueError if too small."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an int >= {minimum}, got {value!r} ({type(value).__name__})")
    if value < minimum:
        raise ValueError(f"{name} must be an int >= {minimum}, got {value}")
    return int(value)
