"""The worker: the only process that imports the graded file; it serves the judge's calls over a pipe.

Started by the judge (mini_vllm/grading/remote.py), inside the submission's sandbox when
grading. It answers one request at a time: read or set an attribute, call, ask a memory fact
(same object, shared memory, an address, current contents). Values go back by value; objects
of the submission's own classes stay here and go back as numbered handles. A callable of the
judge's arrives as a number, and calling it asks the judge to run it. Nothing here is trusted:
the judge checks every message it reads.
Usage: python -m mini_vllm.grading.worker LAB_DIR CHOICE READ_FD WRITE_FD
"""

from __future__ import annotations

import builtins
import dataclasses
import enum
import sys
import types
from pathlib import Path
from typing import Any

import numpy as np

from mini_vllm.grading import channel, labconfig, loader, probe, torch_values
from mini_vllm.grading.integrity import Snapshot

ENUM_BASES = (enum.IntFlag, enum.Flag, enum.IntEnum, enum.StrEnum, enum.Enum)  # most specific first
NO_FORWARD = {"__eq__", "__ne__", "__hash__", "__lt__", "__le__", "__gt__", "__ge__", "__init__", "__new__",
              "__getattribute__", "__getattr__", "__setattr__", "__delattr__", "__init_subclass__",
              "__class_getitem__", "__reduce__", "__reduce_ex__", "__dir__", "__format__", "_missing_",
              "_generate_next_value_", "__set_name__"}


class Callback:
    """A judge's callable, here: calling it asks the judge to run its own function."""

    __slots__ = ("number", "worker", "name")

    def __init__(self, number: int, worker: Worker, name: str) -> None:
        self.number, self.worker, self.name = number, worker, name

    @property
    def __name__(self) -> str:  # a test's function keeps its name here (a node's target is read by it)
        return self.name

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.worker.call_back(self.number, args, kwargs)

    def __repr__(self) -> str:
        return f"<the test's callable #{self.number}>"


class Worker:
    def __init__(self, module: types.ModuleType, lab_dir: Path, read_fd: int, write_fd: int) -> None:
        self.module, self.read_fd, self.write_fd = module, read_fd, write_fd
        self.objects: dict[int, Any] = {}  # number -> object the judge holds a handle or array of
        self.numbers: dict[int, int] = {}  # id(object) -> number (objects are kept alive above)
        self.callbacks: dict[int, Callback] = {}
        self.described: set[int] = set()
        self.received: list[tuple[int, Any, Any]] = []  # arrays and tensors of this request, as sent
        self.snapshot: Snapshot | None = None
        config = labconfig.read(lab_dir)
        self.answers = {a.removesuffix(".py").replace("/", ".") for a in (config.answers if config else ())}

    # --- numbering --------------------------------------------------------------------------

    def number(self, obj: Any) -> int:
        if id(obj) not in self.numbers:
            self.numbers[id(obj)] = len(self.objects) + 1
            self.objects[len(self.objects) + 1] = obj
        return self.numbers[id(obj)]

    def keep(self, number: int, obj: Any) -> None:
        """A judge's array, under the (negative) number the judge gave it."""
        self.objects[number] = obj
        self.numbers[id(obj)] = number

    # --- encoding ---------------------------------------------------------------------------

    def encode(self, value: Any) -> Any:
        return channel.encode(value, self._other)

    def _other(self, value: Any) -> Any:
        if channel.plain_array(value):
            return ["A", *channel.encode_array(value), self.number(value)]
        if (data := torch_values.encode(value, self.number)) is not None:
            return data
        if isinstance(value, Callback):
            return ["C", value.number]
        if isinstance(value, enum.Enum):
            return ["E", self.describe(type(value)), value.name]
        if isinstance(value, type):
            return ["K", self.describe(value)]
        if (record := self._record(value)) is not None:
            return record
        if isinstance(value, BaseException):
            return self.exception(value)
        return ["H", self.number(value), self.describe(type(value))]

    def course_type(self, cls: type) -> bool:
        """A class of the course's own modules (not the graded file, not an answer module)."""
        return cls.__module__.startswith("mini_vllm.") and cls.__module__ not in self.answers

    def origin(self, cls: type) -> str:
        return "lab" if cls.__module__ == self.module.__name__ else cls.__module__

    def by_value(self, cls: type) -> bool:
        """A record type: a NamedTuple, a frozen dataclass, or a dataclass of the course's own modules.
        Anything else the graded file defines may change under the test's eyes: it stays here."""
        if issubclass(cls, tuple) and hasattr(cls, "_fields"):
            return True
        return dataclasses.is_dataclass(cls) and (cls.__dataclass_params__.frozen or self.course_type(cls))

    def _record(self, value: Any) -> list[Any] | None:
        cls = type(value)
        if isinstance(value, type) or not self.by_value(cls):
            return None
        if isinstance(value, tuple):
            return ["R", self.origin(cls), cls.__qualname__, "namedtuple",
                    *([name, self.encode(item)] for name, item in zip(cls._fields, value))]
        return ["R", self.origin(cls), cls.__qualname__, "dataclass",
                *([f.name, self.encode(getattr(value, f.name))] for f in dataclasses.fields(value))]

    def describe(self, cls: type) -> list[Any]:
        """A class as [number, qualname, origin, kind, details]; details only the first time."""
        number = self.number(cls)
        if number in self.described:
            return [number]
        self.described.add(number)
        if issubclass(cls, enum.Enum):
            base = next(b.__name__ for b in ENUM_BASES if issubclass(cls, b))
            members = [[name, self.encode(member.value)] for name, member in cls.__members__.items()]
            return [number, cls.__qualname__, self.origin(cls), "enum", base, members, _methods(cls)]
        if self.by_value(cls):
            return [number, cls.__qualname__, self.origin(cls), "record"]
        return [number, cls.__qualname__, self.origin(cls), "class", _methods(cls)]

    def exception(self, err: BaseException) -> list[Any]:
        base = next(c for c in type(err).__mro__ if getattr(builtins, c.__name__, None) is c)
        try:
            args = self.encode(tuple(err.args))
        except Exception:  # noqa: BLE001 (args that cannot cross: the message alone)
            args = ["T", str(err)]
        return ["X", type(err).__name__, base.__name__, args, str(err)]

    # --- decoding ---------------------------------------------------------------------------

    def callback(self, number: int, name: str) -> Callback:
        return self.callbacks.setdefault(number, Callback(number, self, name))

    def decode(self, data: Any) -> Any:
        return channel.decode(data, self._tag)

    def _tag(self, tag: str, items: list[Any]) -> Any:
        if tag == "A":  # a judge's array: [dtype, shape, data, number]
            array = channel.decode_array(*items[:3])
            if items[3] in self.objects and isinstance(self.objects[items[3]], np.ndarray):
                kept = self.objects[items[3]]
                if kept.shape == array.shape and kept.dtype == array.dtype and kept.flags.writeable:
                    np.copyto(kept, array)
                    array = kept
            self.keep(items[3], array)
            self.received.append((items[3], array, _state(array)))
            return array
        if tag == "Tn":  # a judge's tensor: [dtype, shape, data, number, device, kind]
            tensor = torch_values.tensor(*items[:3], device=items[4], kind=items[5])
            kept = self.objects.get(items[3])
            if kept is not None and type(kept) is type(tensor) and kept.shape == tensor.shape and kept.dtype == tensor.dtype:
                with torch_values.loaded().no_grad():
                    kept.copy_(tensor)
                tensor = kept
            self.keep(items[3], tensor)
            self.received.append((items[3], tensor, torch_values.state(tensor)))
            return tensor
        if tag == "Pk":  # a judge's module, graph or node, pickled by the judge
            return torch_values.loads(items[0], self.callback)
        if tag in torch_values.TAGS:
            return torch_values.decode(tag, items)
        if tag == "R#":  # an object the judge holds by number (a handle, or an array unchanged)
            return self.objects[items[0]]
        if tag == "I":
            return iter([self.decode(item) for item in items])
        if tag == "Rg":
            return range(*items)
        if tag == "C":
            return self.callback(items[0], items[1] if len(items) > 1 and type(items[1]) is str else "")
        if tag == "M":
            return getattr(self.module, items[0])
        if tag == "E":
            return self.objects[items[0]][items[1]]
        if tag == "R":  # a record the judge built: [origin, qualname, kind, [field, value]...]
            cls = self._class(items[0], items[1])
            fields = {name: self.decode(value) for name, value in items[3:]}
            return cls(**fields)
        raise channel.ProtocolError(f"unknown tag {tag!r}")

    def _class(self, origin: str, qualname: str) -> Any:
        owner: Any = self.module if origin == "lab" else sys.modules.get(origin) or __import__(origin, fromlist=["_"])
        for part in qualname.split("."):
            owner = getattr(owner, part)
        return owner

    # --- serving ----------------------------------------------------------------------------

    def call_back(self, number: int, args: tuple, kwargs: dict) -> Any:
        channel.send(self.write_fd, {"callback": number, "args": self.encode(args), "kwargs": self.encode(kwargs)})
        while True:
            message = channel.receive(self.read_fd)
            if "returned" in message or "raised" in message:
                if "raised" in message:
                    raise self._exception(message["raised"])
                return self.decode(message["returned"])
            self.serve_one(message)  # the judge asked something while running its callable

    def _exception(self, data: list[Any]) -> BaseException:
        """The judge's exception as the builtin type it names (its callable raised it)."""
        cls = getattr(builtins, str(data[2]), None)
        if not (isinstance(cls, type) and issubclass(cls, Exception)):
            cls = Exception
        try:
            return cls(*self.decode(data[3]))
        except Exception:  # noqa: BLE001 (args the type refuses: the message alone)
            return cls(str(data[4]))

    def serve(self) -> None:
        while True:
            try:
                message = channel.receive(self.read_fd)
            except channel.ChannelClosed:
                return
            self.serve_one(message)

    def serve_one(self, message: dict[str, Any]) -> None:
        self.received = []
        try:
            reply = {"returned": self.encode(self.answer(message))}
        except BaseException as err:  # noqa: BLE001 (every failure of graded code is the judge's to see)
            reply = {"raised": self.exception(err)}
        if synced := [[number, self.encode(value)] for number, value, sent in self.received if _state(value) != sent]:
            reply["synced"] = synced
        channel.send(self.write_fd, reply)

    def answer(self, message: dict[str, Any]) -> Any:
        op = message["op"]
        torch_values.register(message.get("imports"))
        target = self.module if message.get("target") is None else self.objects[message["target"]]
        if message.get("member") is not None:  # a member of an enum class the judge mirrors
            target = target[message["member"]]
        if op == "getattr":
            return getattr(target, message["name"])
        if op == "setattr":
            return setattr(target, message["name"], self.decode(message["value"]))
        if op == "call":
            function = getattr(target, message["name"]) if message.get("name") else target
            args, kwargs = self.decode(message["args"]), self.decode(message["kwargs"])
            if message.get("no_grad"):  # the test called under torch.no_grad(): so does the graded code
                with torch_values.loaded().no_grad():
                    return self._traced(function, args, kwargs, message.get("budget"))
            return self._traced(function, args, kwargs, message.get("budget"))
        if op == "course":  # a course function, asked for a fact of this process (probe.in_graded_process)
            function = self._course_function(message.get("function"))
            return function(*self.decode(message["args"]), **self.decode(message["kwargs"]))
        if op == "special":  # len, iter, item, contains, str, repr, bool of a handle
            return _SPECIAL[message["name"]](target, *self.decode(message["args"]))
        if op == "shares_memory":
            return bool(np.shares_memory(target, self.objects[message["other"]]))
        if op == "address":
            return int(target.data_ptr() if torch_values.is_torch_value(target) else target.ctypes.data)
        if op == "current":
            return target
        if op == "integrity":  # what the graded code changed in this process's judges (a flag, not the verdict)
            return self.snapshot.changes(bool(message.get("deep"))) if self.snapshot else ["the snapshot was removed"]
        raise channel.ProtocolError(f"unknown op {op!r}")

    def _course_function(self, name: Any) -> Any:
        """'mini_vllm.<module>:<function>' of the course's own modules (never an answer module)."""
        module, _, function = str(name).partition(":")
        if not module.startswith("mini_vllm.") or module in self.answers or not function.isidentifier():
            raise channel.ProtocolError(f"{str(name)[:80]!r} is not a course function")
        return getattr(__import__(module, fromlist=["_"]), function)

    def _traced(self, function: Any, args: list, kwargs: dict, budget: int | None) -> Any:
        """Call, counting executed lines when the judge set a budget (lab-02's closed forms)."""
        if budget is None:
            return function(*args, **kwargs)
        return probe.run_counting_lines(lambda: function(*args, **kwargs), budget)


def _state(value: Any) -> Any:
    """What tells that the graded code wrote into a judge's array or tensor."""
    return value.tobytes() if isinstance(value, np.ndarray) else torch_values.state(value)


_SPECIAL = {"len": len, "iter": list, "item": lambda target, key: target[key],
            "str": str, "repr": repr, "bool": bool}


def _methods(cls: type) -> list[list[str]]:
    """[name, how] of what a class defines to call: 'method', 'classmethod', 'static', 'property'."""
    found: dict[str, str] = {}
    for klass in reversed(cls.__mro__):
        if klass.__module__ == "builtins" or klass.__module__ == "enum":
            continue
        for name, attr in vars(klass).items():
            if name in NO_FORWARD or (name.startswith("_") and not name.startswith("__")):
                continue
            if isinstance(attr, classmethod):
                found[name] = "classmethod"
            elif isinstance(attr, staticmethod):
                found[name] = "static"
            elif isinstance(attr, property):
                found[name] = "property"
            elif callable(attr) and not isinstance(attr, type):
                found[name] = "method"
    return [[name, how] for name, how in found.items()]


def main(argv: list[str]) -> None:
    lab_dir, choice, read_fd, write_fd = Path(argv[0]), argv[1], int(argv[2]), int(argv[3])
    snapshot = Snapshot.take([sys.modules[__name__]], import_judges=False)  # before the graded file runs
    try:
        module = loader.load_lab_module(lab_dir, loader.lab_impl_choice(choice))
    except BaseException as err:  # noqa: BLE001 (the judge reports why the file cannot be graded)
        channel.send(write_fd, {"loaded": False, "error": str(err)})
        return
    names = [name for name in dir(module) if not name.startswith("__")]
    channel.send(write_fd, {"loaded": True, "names": names})
    worker = Worker(module, lab_dir, read_fd, write_fd)
    worker.snapshot = snapshot
    worker.serve()


if __name__ == "__main__":
    main(sys.argv[1:])
