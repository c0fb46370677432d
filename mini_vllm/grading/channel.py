"""The judge-worker channel: length-prefixed JSON messages, and the codec of plain values.

Everything crosses as data: a value is a JSON scalar (None, bool, int, float, str) or a list
whose first item is a tag ("L" list, "T" tuple, "A" array, ...). Decoding builds only builtin
containers, numpy arrays and scalars, and whatever the side's `other` hook makes of the tags it
owns (handles, enum members, records), so no byte from the worker can name code for the judge
to run. A malformed message raises ProtocolError; the end of the pipe raises ChannelClosed.
"""

from __future__ import annotations

import base64
import json
import os
import struct
from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction
from pathlib import Path, PurePath
from typing import Any

import numpy as np

MAX_MESSAGE = 256 << 20  # bytes: a bigger frame is a protocol violation, not a reason to allocate
_HEADER = struct.Struct(">I")
SCALARS = (type(None), bool, int, float, str)
SIMPLE_DTYPES = "biufcSUV?"  # kinds of numpy dtypes that hold plain bytes (no object pointers)


class ProtocolError(Exception):
    """The other side wrote something that is not a message of this protocol."""


class ChannelClosed(Exception):
    """The other side's end of the pipe closed (its process ended)."""


def send(fd: int, message: Any) -> None:
    body = json.dumps(message, separators=(",", ":")).encode()
    data = _HEADER.pack(len(body)) + body
    while data:
        data = data[os.write(fd, data):]


def _read_exactly(fd: int, size: int) -> bytes:
    chunks, left = [], size
    while left:
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            raise ChannelClosed("the other process closed the channel")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def receive(fd: int) -> dict[str, Any]:
    """One message: a JSON object; anything else is a ProtocolError."""
    (size,) = _HEADER.unpack(_read_exactly(fd, _HEADER.size))
    if size > MAX_MESSAGE:
        raise ProtocolError(f"a message of {size} bytes is over the {MAX_MESSAGE} allowed")
    try:
        message = json.loads(_read_exactly(fd, size))
    except (ValueError, RecursionError) as err:
        raise ProtocolError(f"a message is not JSON: {err}") from None
    if not isinstance(message, dict):
        raise ProtocolError("a message must be a JSON object")
    return message


# --- values ---------------------------------------------------------------------------------------


def encode_array(value: np.ndarray) -> list[Any]:
    return [value.dtype.str, list(value.shape), base64.b64encode(np.ascontiguousarray(value).tobytes()).decode()]


def decode_array(dtype: Any, shape: Any, data: Any) -> np.ndarray:
    if not (isinstance(dtype, str) and isinstance(shape, list) and isinstance(data, str)
            and all(type(n) is int and n >= 0 for n in shape)):
        raise ProtocolError("an array must be [dtype, shape, base64]")
    try:
        kind = np.dtype(dtype)
        if kind.kind not in SIMPLE_DTYPES or kind.hasobject:
            raise ProtocolError(f"dtype {dtype!r} is not a plain numeric or string dtype")
        return np.frombuffer(base64.b64decode(data, validate=True), dtype=kind).reshape(shape).copy()
    except (TypeError, ValueError) as err:
        raise ProtocolError(f"a malformed array: {err}") from None


def plain_array(value: Any) -> bool:
    """An ndarray (exactly) whose bytes are its whole value."""
    return type(value) is np.ndarray and value.dtype.kind in SIMPLE_DTYPES and not value.dtype.hasobject


def encode(value: Any, other: Callable[[Any], Any]) -> Any:
    """`value` as tagged data; anything not a plain value goes to `other` (the side's hook)."""
    kind = type(value)
    if kind in SCALARS:
        return value
    if kind is list or kind is tuple or kind is set or kind is frozenset:
        tag = {list: "L", tuple: "T", set: "S", frozenset: "F"}[kind]
        return [tag, *(encode(item, other) for item in value)]
    if kind is dict:
        return ["D", *([encode(k, other), encode(v, other)] for k, v in value.items())]
    if kind is bytes:
        return ["B", base64.b64encode(value).decode()]
    if kind is Fraction:
        return ["Q", value.numerator, value.denominator]
    if kind is Decimal:
        return ["Dec", str(value)]
    if isinstance(value, PurePath):
        return ["Pa", str(value)]
    if isinstance(value, np.generic) and value.dtype.kind in SIMPLE_DTYPES:
        return ["N", *encode_array(np.asarray(value))]
    return other(value)


def decode(data: Any, other: Callable[[str, list[Any]], Any], depth: int = 0) -> Any:
    """The value `data` encodes; tags this module does not own go to `other(tag, items)`."""
    kind = type(data)
    if kind in SCALARS:
        return data
    if kind is not list or not data or type(data[0]) is not str or depth > 200:
        raise ProtocolError(f"not a tagged value: {str(data)[:80]}")
    tag, items = data[0], data[1:]
    inner = [decode(item, other, depth + 1) for item in items] if tag in ("L", "T", "S", "F") else None
    try:
        if tag == "L":
            return inner
        if tag == "T":
            return tuple(inner)
        if tag == "S":
            return set(inner)
        if tag == "F":
            return frozenset(inner)
        if tag == "D":
            pairs = [(decode(k, other, depth + 1), decode(v, other, depth + 1)) for k, v in items]
            return dict(pairs)
        if tag == "B":
            return base64.b64decode(items[0], validate=True)
        if tag == "Q" and all(type(n) is int for n in items):
            return Fraction(items[0], items[1])
        if tag == "Dec" and type(items[0]) is str:
            return Decimal(items[0])
        if tag == "Pa" and len(items) == 1 and type(items[0]) is str:
            return Path(items[0])
        if tag == "N":
            return decode_array(*items)[()]
    except (TypeError, ValueError, ArithmeticError, ZeroDivisionError) as err:
        raise ProtocolError(f"a malformed {tag!r} value: {err}") from None
    return other(tag, items)
