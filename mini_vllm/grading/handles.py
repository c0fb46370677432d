"""What the judge holds for the worker's objects: handles, classes, opaque values, mirror methods.

A Handle (an object of the graded file's classes) and a RemoteClass forward attribute reads,
calls and setattr to the worker; neither has an `==` (identity, here) or a truth value the worker could answer.
An Opaque value is one the judge has no trusted type for: it equals nothing. `forwarder` makes
the methods of a mirror enum (remote.py builds the enum itself from names and values).
"""

from __future__ import annotations

import dataclasses
import enum
from typing import Any

from mini_vllm.grading import channel

Session = Any  # remote.Session (not imported: remote imports this module)


@dataclasses.dataclass(frozen=True, eq=False)
class RemoteClass:
    """A class of the graded file that is not an enum or a record: calling it makes a Handle."""

    session: Session
    number: int
    qualname: str
    methods: dict[str, str]

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.session.request({"op": "call", "target": self.number}, args, kwargs)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return self.session.request({"op": "getattr", "target": self.number, "name": name})

    def __instancecheck__(self, obj: Any) -> bool:
        return isinstance(obj, Handle) and obj._class is self

    def __repr__(self) -> str:
        return f"<graded class {self.qualname}>"


class Handle:
    """An object that lives in the worker: attribute reads, calls and setattr go through the channel."""

    __slots__ = ("_session", "_number", "_class")

    def __init__(self, session: Session, number: int, cls: RemoteClass) -> None:
        object.__setattr__(self, "_session", session)
        object.__setattr__(self, "_number", number)
        object.__setattr__(self, "_class", cls)

    def __getattr__(self, name: str) -> Any:
        if self._class.methods.get(name) == "method":
            return lambda *args, **kwargs: self._session.request(
                {"op": "call", "target": self._number, "name": name}, args, kwargs)
        return self._session.request({"op": "getattr", "target": self._number, "name": name})

    def __setattr__(self, name: str, value: Any) -> None:
        self._session.request({"op": "setattr", "target": self._number, "name": name, "value": value})

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._session.request({"op": "call", "target": self._number}, args, kwargs)

    def _special(self, name: str, *args: Any) -> Any:
        return self._session.request({"op": "special", "target": self._number, "name": name}, args)

    def __len__(self) -> int:
        return _typed(self._special("len"), int, "len()")

    def __iter__(self):
        return iter(_typed(self._special("iter"), list, "iter()"))

    def __getitem__(self, key: Any) -> Any:
        return self._special("item", key)

    def __contains__(self, item: Any) -> bool:
        """Decided in the judge, over the items the worker iterates: `x in handle` is a comparison."""
        return any(item is value or item == value for value in self)

    def __bool__(self) -> bool:
        return True  # never asked of the worker: `assert handle` must not be its to decide

    def __eq__(self, other: object) -> bool:
        """Identity, decided here: a graded __eq__ never answers (compare a handle's values instead).
        Library code may still ask (torch.compile tests `backend == "inductor"`)."""
        return self is other

    def __ne__(self, other: object) -> bool:
        return self is not other

    __hash__ = object.__hash__

    def __repr__(self) -> str:
        return f"<graded {self._class.qualname} #{self._number}>"


def _typed(value: Any, kind: type, what: str) -> Any:
    if type(value) is not kind:
        raise TypeError(f"the graded code's {what} returned {type(value).__name__}, not {kind.__name__}")
    return value


class Opaque:
    """A value the judge has no trusted type for: it equals nothing, so no assert passes on it."""

    def __init__(self, description: str) -> None:
        self.description = description

    def __eq__(self, other: object) -> bool:
        return False

    def __ne__(self, other: object) -> bool:
        return True

    __hash__ = object.__hash__

    def __repr__(self) -> str:
        return f"<untrusted value: {self.description}>"


def method_kinds(raw: Any) -> dict[str, str]:
    if type(raw) is not list or not all(type(m) is list and len(m) == 2 and all(type(x) is str for x in m)
                                        for m in raw):
        raise channel.ProtocolError("methods must be [name, kind] pairs")
    return {name: how for name, how in raw}


def forwarder(session: Session, number: int, name: str, how: str) -> Any:
    """A mirror enum's method: the same call on the worker's member (or class)."""
    if how == "property":
        return property(lambda self: session.request(
            {"op": "getattr", "target": number, "member": self.name, "name": name}))
    if how in ("classmethod", "static"):
        def on_class(*args: Any, **kwargs: Any) -> Any:
            return session.request({"op": "call", "target": number, "name": name}, args, kwargs)
        return staticmethod(on_class)

    def method(self: enum.Enum, *args: Any, **kwargs: Any) -> Any:
        return session.request({"op": "call", "target": number, "member": self.name, "name": name}, args, kwargs)
    return method
