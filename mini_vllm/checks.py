"""The boundary rule, in one place: what a value must be where it enters the engine.

- An int is an `int` or a numpy integer (a sweep over np.arange hands you those), never a
  bool; it is converted to `int` and the converted value is used, so no np.int8 overflows.
- A flag is a `bool` (numpy's bool_ is converted): the string "False" is truthy.
- A real number is an int, a float or a numpy number, never a bool, and finite: within a
  float's range, ints included, so every answer computed from it fits a float too.
- A size that can only exhaust memory past some point has an upper bound, stated in the error.
A wrong kind of value is a TypeError, the right kind out of range a ValueError; either names the
argument and what is allowed, on one line. Behind a checked boundary nothing checks again.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence

import numpy as np

#: The largest int a float holds without overflowing: the bound of a count whose answer is a float.
FLOAT_MAX_INT = int(np.finfo(np.float64).max)


#: The largest capture max a ladder is built for. A step of a million tokens is already past any
#: GPU; a larger max could only fill host memory with rungs before anything else refuses it.
MAX_CAPTURE_SIZE = 1 << 20


def int_range(minimum: int, maximum: int | None = None) -> str:
    """The allowed range in words, as every error states it: 'an int in [1, 512]'."""
    if maximum is None:
        return f"an int >= {minimum}"
    top = "1.8e308 (a float's largest)" if maximum == FLOAT_MAX_INT else maximum
    return f"an int in [{minimum}, {top}]"


def _shown(value: int) -> str:
    """An int as an error shows it: by its size once it is huge, so the message stays one short line."""
    return str(value) if abs(value) <= 2**128 else f"an int of {value.bit_length()} bits"


def check_int(value: object, name: str, minimum: int = 1, maximum: int | None = None) -> int:
    """Return value as an int, or raise naming the argument: TypeError if not an int, ValueError if out of range."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be {int_range(minimum, maximum)}, "
                        f"got {value!r} ({type(value).__name__})")
    value = int(value)
    if value < minimum or (maximum is not None and value > maximum):
        raise ValueError(f"{name} must be {int_range(minimum, maximum)}, got {_shown(value)}")
    return value


def check_bool(value: object, name: str) -> bool:
    """Return value as a bool, or raise TypeError naming the argument (a string is not a flag)."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be a bool (True or False), got {value!r} ({type(value).__name__})")
    return bool(value)


def check_real(value: object, name: str, allowed: str = "a finite number") -> int | float:
    """Return a finite real as an int (kept exact) or a float, or raise naming the argument.

    `allowed` words the range for the caller's own ValueError, so both errors read alike.
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be {allowed}, got {value!r} ({type(value).__name__})")
    if isinstance(value, numbers.Integral):
        if abs(int(value)) > FLOAT_MAX_INT:
            raise ValueError(f"{name} must be {allowed} within a float's range, got an int of "
                             f"{int(value).bit_length()} bits")
        return int(value)
    try:
        value = float(value)
    except OverflowError:
        value = math.inf
    if not math.isfinite(value):
        raise ValueError(f"{name} must be {allowed}, got {value}")
    return value


def check_positive(value: object, name: str) -> int | float:
    """A finite real > 0 (see check_real), or raise naming the argument."""
    if (real := check_real(value, name, "a finite number > 0")) <= 0:
        raise ValueError(f"{name} must be a finite number > 0, got {real}")
    return real


def check_non_negative(value: object, name: str) -> int | float:
    """A finite real >= 0 (see check_real), or raise naming the argument."""
    if (real := check_real(value, name, "a finite number >= 0")) < 0:
        raise ValueError(f"{name} must be a finite number >= 0, got {real}")
    return real


def check_sequence(values: object, name: str, what: str) -> list:
    """Return a non-empty sequence (or 1-D numpy array) as a list; `what` names one element."""
    if isinstance(values, np.ndarray) and values.ndim == 1:
        values = values.tolist()
    if isinstance(values, (str, bytes)) or not isinstance(values, Sequence):
        raise TypeError(f"{name} must be a sequence of {what}, got {type(values).__name__}")
    if not values:
        raise ValueError(f"{name} must be a non-empty sequence of {what}, got an empty {type(values).__name__}")
    return list(values)


def check_int_sequence(values: object, name: str, maximum: int | None = None) -> list[int]:
    """Return a non-empty sequence of ints >= 1 (<= maximum, if given) as a list of ints."""
    what = "ints >= 1" if maximum is None else f"ints in [1, {maximum}]"
    return [check_int(v, f"{name}[{i}]", 1, maximum)
            for i, v in enumerate(check_sequence(values, name, what))]
