"""The judge's side of the channel: the `lab` a test sees when the graded file runs in a worker.

In judge mode (`mini-vllm grade`, or LAB_JUDGE=1 by hand) the tests never import the graded
file. `open_lab` starts a worker (mini_vllm/grading/worker.py), in the submission's sandbox
when the grader passed one, and returns a RemoteLab: its functions and classes call through
the pipe. What comes back is data (channel.py), objects of the graded file's classes are
Handles, enum members are members of a mirror enum the judge builds from their names and values,
and records (NamedTuples, frozen dataclasses, the course's dataclasses) are instances of the
starter's classes. A handle has no __eq__ the worker could answer, so no assert is the
worker's to decide. A message that breaks the protocol is recorded (the grader flags it
`tampered`); a worker that dies costs the call in flight, and the next call starts a new one.
"""

from __future__ import annotations

import builtins
import contextlib
import ctypes
import dataclasses
import enum
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from mini_vllm.grading import channel, loader, sandbox, torch_values
from mini_vllm.grading.handles import Handle, Opaque, RemoteClass, forwarder, method_kinds
from mini_vllm.grading.probe import LineBudgetExceeded

ENUM_BASES = {"Enum": enum.Enum, "IntEnum": enum.IntEnum, "StrEnum": enum.StrEnum, "Flag": enum.Flag,
              "IntFlag": enum.IntFlag}
ASKED = {"__str__", "__repr__", "__bool__"}  # a mirror enum's only dunders the worker answers: never ==, hash, <
VIOLATIONS: list[str] = []  # protocol violations seen in this process; the harness flags them `tampered`
BUDGET: list[int] = []  # lines the current call may run (probe.call_within_line_budget sets it)
SESSIONS: list[Session] = []  # live workers, for probe.py's questions
LABS: list[RemoteLab] = []  # open `lab` fixtures, revived between tests


class WorkerEnded(Exception):
    """The graded code's process ended (or was ended) during a call."""


class RemoteError(Exception):
    """The graded code raised something that is not an Exception (SystemExit, KeyboardInterrupt)."""


class Session:
    """One worker process and the pipe to it."""

    def __init__(self, lab_dir: Path, choice: str | Path, box: dict[str, Any] | None,
                 env: dict[str, str] | None = None) -> None:
        self.lab_dir, self.choice, self.box, self.env = Path(lab_dir), choice, box, env or {}
        self.classes: dict[int, Any] = {}  # worker class number -> judge-side class
        self.records: dict[type, tuple[str, str]] = {}  # trusted record class -> (origin, qualname)
        self.arrays: dict[int, tuple[np.ndarray, int, bytes]] = {}  # id -> (array, number, bytes when it crossed)
        self.tensors: dict[int, tuple[Any, int]] = {}  # id -> (tensor, number): torch labs' identity questions
        self.by_number: dict[int, Any] = {}  # a judge's array or tensor the worker may write into
        self.callables: dict[int, Callable] = {}
        self.callable_ids: dict[int, int] = {}
        self.next_array = -1
        self.alive = False
        self.starter = loader.load_lab_module(self.lab_dir, "starter")  # the course's types, trusted
        self._start()

    def _start(self) -> None:
        to_worker, from_judge = os.pipe()
        from_worker, to_judge = os.pipe()
        if self.box is not None:
            box = sandbox.Box(**{**self.box, "hide": tuple(self.box["hide"]),
                                 "stubs": tuple(map(tuple, self.box["stubs"]))})
            graded = box.copy_to if sandbox.isolation() != "none" else str(self.choice)
        else:
            graded = str(self.choice)
        argv = [sys.executable, "-m", "mini_vllm.grading.worker", str(self.lab_dir), graded,
                str(to_worker), str(to_judge)]
        env = {k: v for k, v in os.environ.items() if not k.startswith(("LAB_GRADE", "LAB_JUDGE"))}
        env |= {**self.env, "PYTHONDONTWRITEBYTECODE": "1"}
        self.process = subprocess.Popen(sandbox.command(argv, box) if self.box is not None else argv,
                                        env=env, stdin=subprocess.DEVNULL, pass_fds=(to_worker, to_judge))
        os.close(to_worker)
        os.close(to_judge)
        self.write_fd, self.read_fd = from_judge, from_worker
        try:
            hello = channel.receive(self.read_fd)
        except channel.ChannelClosed:
            status = self.close()
            raise loader.GradedFileError(
                f"{Path(str(self.choice)).name} stops the process while being imported (its worker ended "
                f"with status {status}); a lab file must only define its API") from None
        except channel.ProtocolError as err:
            self._violated(str(err))
            raise
        if not hello.get("loaded"):
            self.close()
            raise loader.GradedFileError(str(hello.get("error", "the graded file could not be loaded"))[:2000])
        self.names = [n for n in hello.get("names", []) if isinstance(n, str)]
        self.alive = True
        SESSIONS.append(self)

    def close(self) -> int | None:
        self.alive = False
        if self in SESSIONS:
            SESSIONS.remove(self)
        for fd in ("write_fd", "read_fd"):
            with contextlib.suppress(OSError, AttributeError):
                os.close(getattr(self, fd))
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        with contextlib.suppress(OSError):  # the sandbox's first process: its PID namespace ends with it
            for pid in children.read_text().split():
                os.kill(int(pid), 9)
        with contextlib.suppress(ProcessLookupError):
            self.process.kill()
        return self.process.wait()

    def _violated(self, why: str) -> None:
        VIOLATIONS.append(f"the graded code's worker broke the channel's protocol: {why}")
        self.close()

    # --- one request --------------------------------------------------------------------------

    def request(self, message: dict[str, Any], args: tuple = (), kwargs: dict | None = None) -> Any:
        if not self.alive:
            raise WorkerEnded("the graded code's process ended earlier in this test module")
        if message["op"] in ("call", "special", "course"):
            message = {**message, "args": self.encode(tuple(args)), "kwargs": self.encode(kwargs or {})}
            if BUDGET and message["op"] == "call":
                message["budget"] = BUDGET[-1]
            if (torch := torch_values.loaded()) is not None and not torch.is_grad_enabled():
                message["no_grad"] = True
        if imports := torch_values.registered_here():  # the course's custom ops the judge registered: the worker too
            message = {**message, "imports": imports}
        elif "value" in message:
            message = {**message, "value": self.encode(message["value"])}
        try:
            channel.send(self.write_fd, message)
            while True:
                reply = channel.receive(self.read_fd)
                if "callback" in reply:
                    self._run_callback(reply)
                elif "returned" in reply or "raised" in reply:
                    break
                else:
                    raise channel.ProtocolError(f"an unexpected message {sorted(reply)[:5]}")
        except channel.ProtocolError as err:
            self._violated(str(err))
            raise
        except (channel.ChannelClosed, BrokenPipeError):
            status = self.close()
            raise WorkerEnded(f"the graded code's process ended during this call (exit status {status})") from None
        except BaseException:
            self.close()  # stopped mid-call (a timeout, an interrupt): the channel is out of step
            raise
        try:
            for number, value in reply.get("synced", []):  # the graded code wrote into an argument
                self._sync(number, value)
            if "raised" in reply:
                error = self.exception(reply["raised"], "budget" in message)
            else:
                return self.decode(reply["returned"])
        except (channel.ProtocolError, TypeError, ValueError) as err:
            self._violated(str(err))
            raise channel.ProtocolError(str(err)) from None
        raise error

    def _sync(self, number: Any, data: Any) -> None:
        """Copy what the graded code wrote into the judge's own array or tensor (same shape and dtype only)."""
        mine = self.by_number.get(number) if type(number) is int else None
        if mine is None or type(data) is not list or not data or data[0] not in ("A", "Tn"):
            raise channel.ProtocolError(f"a sync of #{number} that the judge never sent")
        if data[0] == "A":
            np.copyto(mine, channel.decode_array(*data[1:4]), casting="no")
            return
        written = torch_values.decode("Tn", data[1:])
        if written.shape != mine.shape or written.dtype != mine.dtype:
            raise channel.ProtocolError(f"a sync of #{number} with another shape or dtype")
        with torch_values.loaded().no_grad():
            mine.copy_(written)

    def _run_callback(self, message: dict[str, Any]) -> None:
        function = self.callables.get(message["callback"]) if type(message["callback"]) is int else None
        if function is None:
            raise channel.ProtocolError("a callback to a callable the judge never sent")
        args, kwargs = self.decode(message["args"]), self.decode(message["kwargs"])
        if type(args) is not tuple or type(kwargs) is not dict or not all(type(k) is str for k in kwargs):
            raise channel.ProtocolError("a callback's arguments must be a tuple and a dict")
        try:
            reply = {"returned": self.encode(function(*args, **kwargs))}
        except Exception as err:  # noqa: BLE001 (the test's callable raised: the graded code sees it)
            reply = {"raised": ["X", type(err).__name__, _builtin_base(type(err)).__name__,
                                ["T", str(err)], str(err)]}
        channel.send(self.write_fd, reply)

    # --- the judge's values, as data -------------------------------------------------------------

    def encode(self, value: Any) -> Any:
        return channel.encode(value, self._other)

    def _other(self, value: Any) -> Any:
        if channel.plain_array(value):
            known = self.arrays.get(id(value))
            if known is not None and known[0] is value and value.tobytes() == known[2]:
                return ["R#", known[1]]
            number = known[1] if known is not None and known[0] is value else self._array_number()
            self._remember(value, number)
            return ["A", *channel.encode_array(value), number]
        if isinstance(value, Handle) and value._session is self:
            return ["R#", value._number]
        if isinstance(value, RemoteClass) and value.session is self:
            return ["R#", value.number]
        if isinstance(value, enum.Enum) and getattr(type(value), "_remote_session", None) is self:
            return ["E", type(value)._remote_number, value.name]
        if isinstance(value, type) and getattr(value, "_remote_session", None) is self:
            return ["R#", value._remote_number]
        if type(value) not in self.records and (dataclasses.is_dataclass(value) or isinstance(value, tuple)):
            self._trusted_record(type(value).__qualname__, type(value).__module__)
        if type(value) in self.records:
            origin, qualname = self.records[type(value)]
            kind = "namedtuple" if isinstance(value, tuple) else "dataclass"
            return ["R", origin, qualname, kind, *([name, self.encode(getattr(value, name))] for name in _fields(value))]
        if type(value) is range:
            return ["Rg", value.start, value.stop, value.step]
        if (data := torch_values.encode(value, self._tensor_number)) is not None:
            return data
        if torch_values.picklable(value):
            return torch_values.dumps(value, self._callable_number)
        if hasattr(type(value), "__next__") and hasattr(type(value), "__iter__"):  # a generator: its items, lazily there
            return ["I", *(self.encode(item) for item in value)]
        if callable(value) and not isinstance(value, (Handle, type)):
            return ["C", self._callable_number(value), callable_name(value)]
        raise TypeError(f"cannot send {type(value).__name__} to the graded code: only plain values, arrays, "
                        "records, enum members, callables and handles cross the channel")

    def _callable_number(self, value: Callable) -> int:
        if id(value) not in self.callable_ids:
            self.callable_ids[id(value)] = len(self.callables) + 1
            self.callables[len(self.callables) + 1] = value
        return self.callable_ids[id(value)]

    def _tensor_number(self, tensor: Any) -> int:
        known = self.tensors.get(id(tensor))
        number = known[1] if known is not None and known[0] is tensor else self._array_number()
        self.tensors[id(tensor)] = (tensor, number)
        self.by_number[number] = tensor
        return number

    def _array_number(self) -> int:
        self.next_array -= 1
        return self.next_array

    def _remember(self, array: np.ndarray, number: int) -> None:
        self.arrays[id(array)] = (array, number, array.tobytes())
        self.by_number[number] = array

    def decode(self, data: Any) -> Any:
        return channel.decode(data, self._tag)

    def _tag(self, tag: str, items: list[Any]) -> Any:
        if tag == "A" and len(items) == 4 and type(items[3]) is int:
            array = channel.decode_array(*items[:3])
            self._remember(array, items[3])
            return array
        if tag in torch_values.TAGS and torch_values.loaded() is not None:  # a torch lab's values
            value = torch_values.decode(tag, items)
            if tag == "Tn" and type(items[3]) is int and items[3] > 0:
                self.tensors[id(value)] = (value, items[3])
            return value
        if tag == "C" and len(items) == 1 and items[0] in self.callables:
            return self.callables[items[0]]
        if tag == "K" and len(items) == 1:
            return self._class(items[0])
        if tag == "E" and len(items) == 2:
            cls = self._class(items[0])
            if isinstance(cls, enum.EnumMeta) and type(items[1]) is str and items[1] in cls.__members__:
                return cls[items[1]]
        if tag == "H" and len(items) == 2 and type(items[0]) is int:
            cls = self._class(items[1])
            if isinstance(cls, RemoteClass):
                return Handle(self, items[0], cls)
            return Opaque(f"an object of {getattr(cls, '__qualname__', cls)!r}")
        if tag == "R" and len(items) >= 3:
            return self._record(items)
        if tag == "X" and len(items) == 4:
            return self.exception(["X", *items], False)
        raise channel.ProtocolError(f"a malformed {tag!r} value")

    def _class(self, desc: Any) -> Any:
        """A worker class (its number, and its description the first time) as a judge-side class."""
        if not (type(desc) is list and desc and type(desc[0]) is int):
            raise channel.ProtocolError("a class must be [number, ...]")
        number = desc[0]
        if len(desc) == 1:
            if number not in self.classes:
                raise channel.ProtocolError(f"class #{number} was never described")
            return self.classes[number]
        qualname, _origin, kind = (str(d) for d in desc[1:4])
        if kind == "enum" and len(desc) == 7 and desc[4] in ENUM_BASES:
            cls = self._mirror(number, qualname, ENUM_BASES[desc[4]], desc[5], desc[6])
        elif kind == "record":
            cls = self._trusted_record(qualname, desc[2]) or RemoteClass(self, number, qualname, {})
        elif kind == "class" and len(desc) == 5:
            cls = RemoteClass(self, number, qualname, method_kinds(desc[4]))
        else:
            raise channel.ProtocolError(f"a malformed class description of {qualname!r}")
        self.classes.setdefault(number, cls)
        return self.classes[number]

    def _mirror(self, number: int, qualname: str, base: type, members: Any, methods: Any) -> type:
        """An enum built here from the worker's member names and values; its methods call the worker."""
        if type(members) is not list or not all(type(m) is list and len(m) == 2 and type(m[0]) is str
                                                for m in members):
            raise channel.ProtocolError("enum members must be [name, value] pairs")
        try:
            cls = base(qualname.rpartition(".")[2], [(name, self.decode(value)) for name, value in members])
        except (TypeError, ValueError) as err:
            raise channel.ProtocolError(f"enum {qualname!r} cannot be mirrored: {err}") from None
        cls._remote_session, cls._remote_number = self, number
        for name, how in method_kinds(methods).items():  # the judge's list decides, not the worker's
            if name in cls.__members__ or name in ("name", "value") or (name.startswith("_") and name not in ASKED):
                continue
            setattr(cls, name, forwarder(self, number, name, how))
        return cls

    def _trusted_record(self, qualname: str, origin: str) -> type | None:
        """The course's class for a record type: the starter's (by name), or a course module's."""
        found = getattr(self.starter, qualname, None) if "." not in qualname else None
        where = "lab"
        if found is None and origin.startswith("mini_vllm.") and origin in sys.modules and origin not in self._answers():
            found, where = getattr(sys.modules[origin], qualname, None), origin  # only what the judge imported
        is_record = isinstance(found, type) and (dataclasses.is_dataclass(found)
                                                 or (issubclass(found, tuple) and hasattr(found, "_fields")))
        if not is_record:
            return None
        self.records[found] = (where, qualname)
        return found

    def _answers(self) -> set[str]:
        from mini_vllm.grading import labconfig

        config = labconfig.read(self.lab_dir)
        return {a.removesuffix(".py").replace("/", ".") for a in (config.answers if config else ())}

    def _record(self, items: list[Any]) -> Any:
        origin, qualname, kind, *pairs = items
        if not all(type(p) is list and len(p) == 2 and type(p[0]) is str for p in pairs):
            raise channel.ProtocolError("a record's fields must be [name, value] pairs")
        names = [p[0] for p in pairs]
        values = [self.decode(p[1]) for p in pairs]
        cls = self._trusted_record(str(qualname), str(origin))
        if cls is None or [*_class_fields(cls)] != names or kind != ("namedtuple" if issubclass(cls, tuple) else "dataclass"):
            return Opaque(f"a {qualname} with fields {names}, not the course's type")
        if issubclass(cls, tuple):
            return cls._make(values)
        record = object.__new__(cls)
        for name, value in zip(names, values):
            object.__setattr__(record, name, value)
        return record

    def exception(self, data: Any, budgeted: bool) -> BaseException:
        if not (type(data) is list and len(data) == 5 and data[0] == "X"):
            raise channel.ProtocolError("an exception must be [X, name, base, args, message]")
        _, name, base, args, message = data
        if budgeted and name == "LineBudgetExceeded":
            return LineBudgetExceeded(str(message))
        if name == "Skipped":  # pytest.skip() in the graded code: not a pass
            import pytest

            return pytest.skip.Exception(f"the graded code skipped this test: {message}")
        cls = getattr(builtins, str(base), None)
        if not (isinstance(cls, type) and issubclass(cls, Exception)):
            return RemoteError(f"{name}: {message}")
        try:
            err = cls(*self.decode(args))
        except (TypeError, ValueError, channel.ProtocolError):
            err = cls(str(message))
        if name != cls.__name__:
            err.add_note(f"(raised in the graded code as {name})")
        return err

    # --- memory facts, asked of the worker (probe.py) ------------------------------------------------

    def number_of(self, value: Any) -> int | None:
        if isinstance(value, Handle):
            return value._number
        known = self.arrays.get(id(value)) or self.tensors.get(id(value))
        return known[1] if known is not None and known[0] is value else None


def callable_name(value: Callable) -> str:
    """The name a test's callable answers to in the worker (code that reads `__name__` sees it)."""
    name = getattr(value, "__name__", "")
    return name if isinstance(name, str) else ""


def _builtin_base(cls: type) -> type:
    return next(c for c in cls.__mro__ if getattr(builtins, c.__name__, None) is c)


def _fields(value: Any) -> list[str]:
    return list(_class_fields(type(value)))


def _class_fields(cls: type) -> tuple[str, ...]:
    if issubclass(cls, tuple):
        return tuple(cls._fields)
    return tuple(f.name for f in dataclasses.fields(cls))


class RemoteLab:
    """What the `lab` fixture returns in judge mode: the graded module's names, called remotely."""

    def __init__(self, lab_dir: Path, choice: str | Path, box: dict[str, Any] | None,
                 env: dict[str, str] | None = None) -> None:
        self._where = (Path(lab_dir), choice, box, env)
        self._session = Session(*self._where)
        self._cache: dict[str, Any] = {}
        LABS.append(self)

    def _live(self) -> Session:
        if not self._session.alive:  # the last worker died: a fresh one for the tests left
            self._session, self._cache = Session(*self._where), {}
        return self._session

    @property
    def names(self) -> list[str]:
        return self._session.names

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        session = self._live()
        if name in self._cache:
            return self._cache[name]
        value = session.request({"op": "getattr", "target": None, "name": name})
        if isinstance(value, (type, RemoteClass, Handle)):  # classes and functions: not values
            self._cache[name] = value
        return value

    def close(self) -> None:
        self._session.close()
        if self in LABS:
            LABS.remove(self)


def check_integrity(deep: bool) -> None:
    """After a test: did the graded code change its own process's judges? (a `tampered` flag for an
    attempt that cannot change the verdict, which is made here)."""
    for lab in LABS:
        if lab._session.alive:
            with contextlib.suppress(Exception):  # a worker that cannot answer is a dead one: revive()
                changes = lab._session.request({"op": "integrity", "deep": deep})
                if changes:
                    VIOLATIONS.extend(f"the graded code changed, in its own process: {c}" for c in
                                      (changes if type(changes) is list else [changes])[:10])


def revive() -> None:
    """Between tests: a worker that died (a crash, a timeout) is replaced now, on no test's clock."""
    for lab in LABS:
        with contextlib.suppress(Exception):  # a file that cannot start again fails the next test instead
            lab._live()


def open_lab(lab_dir: Path, choice: str | Path, env: dict[str, str] | None = None) -> RemoteLab:
    """The lab's graded file, in a worker (in the sandbox the grader described in LAB_JUDGE_BOX)."""
    raw = os.environ.get("LAB_JUDGE_BOX")
    _not_dumpable()
    return RemoteLab(lab_dir, choice, json.loads(raw) if raw else None, env)


def _not_dumpable() -> None:
    """No process of the same user may read this one's memory (the key) through /proc or ptrace."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(4, 0, 0, 0, 0)  # PR_SET_DUMPABLE, 0
