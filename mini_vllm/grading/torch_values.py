"""Torch values on the judge-worker channel, for the labs whose tests hand torch objects to the graded code.

Worker to judge is data, as for every lab: a tensor crosses as its dtype, shape and bytes, an op
as its qualified name, a dtype or device as its name, a builtin function as its name in one of
a few trusted modules; anything else of the worker's (a GraphModule, a compiled callable) stays
there as a handle. Judge to worker may also be a pickle (an nn.Module, an fx Graph or Node): the
worker is the untrusted side, so what the judge sends it needs no guard. Used only where torch
is already imported (`loaded()`), so the judge of a CPU lab never imports torch.
"""

from __future__ import annotations

import base64
import io
import pickle
import sys
import types
from collections.abc import Callable
from typing import Any

from mini_vllm.grading import channel

TAGS = ("Tn", "Op", "Dt", "Dv", "Sz", "Fn")  # what the judge decodes; "Pk" only the worker does
FUNCTION_MODULES = ("torch", "operator", "_operator", "math")  # builtins named by these: `is`-comparable
DEVICES = ("cpu", "cuda")
REGISTERED_BY = {"minivllm": "mini_vllm.compilation.splittable_decoder"}  # the course's custom ops: who defines them


def loaded() -> Any:
    """The torch module if this process imported it, else None."""
    return sys.modules.get("torch")


def registered_here() -> list[str]:
    """The course's op-registering modules this process imported (the worker mirrors them)."""
    return [module for module in REGISTERED_BY.values() if module in sys.modules]


def register(modules: Any) -> None:
    """In the worker: import the op-registering modules the judge has (only those REGISTERED_BY names)."""
    for module in modules if type(modules) is list else ():
        if module in REGISTERED_BY.values() and module not in sys.modules:
            __import__(module)


def is_torch_value(value: Any) -> bool:
    torch = loaded()
    return torch is not None and isinstance(value, (torch.Tensor, torch._ops.OpOverload, torch._ops.OpOverloadPacket,
                                                    torch.dtype, torch.device, torch.Size))


def encode(value: Any, number: Callable[[Any], int]) -> list[Any] | None:
    """`value` as tagged data, or None when it is not a torch value that crosses by value.
    A tensor carries the number its side keeps it under (`number(value)`), for identity questions."""
    torch = loaded()
    if torch is None:
        return None
    if isinstance(value, torch.Tensor):
        kind = "p" if isinstance(value, torch.nn.Parameter) else "g" if value.requires_grad else "t"
        return ["Tn", str(value.dtype).removeprefix("torch."), list(value.shape), state(value), number(value),
                value.device.type, kind]
    if isinstance(value, torch._ops.OpOverload):
        return ["Op", value.overloadpacket._qualified_op_name, value._overloadname]
    if isinstance(value, torch._ops.OpOverloadPacket):
        return ["Op", value._qualified_op_name, None]
    if isinstance(value, torch.dtype):
        return ["Dt", str(value).removeprefix("torch.")]
    if isinstance(value, torch.device):
        return ["Dv", value.type, value.index]
    if isinstance(value, torch.Size):
        return ["Sz", *(int(n) for n in value)]
    if isinstance(value, types.BuiltinFunctionType) and (where := _trusted_name(value)) is not None:
        return ["Fn", *where]
    return None


def state(tensor: Any) -> str:
    """A tensor's bytes (on the CPU, in order), base64: what crosses, and what tells that it changed."""
    import torch

    flat = tensor.detach().to("cpu").contiguous().reshape(-1)
    raw = flat.view(torch.uint8).numpy().tobytes() if flat.numel() else b""
    return base64.b64encode(raw).decode()


def _trusted_name(function: Any) -> tuple[str, str] | None:
    name = getattr(function, "__name__", None)
    if not isinstance(name, str) or name.startswith("_"):
        return None
    for module in FUNCTION_MODULES:
        if getattr(sys.modules.get(module), name, None) is function:
            return module, name
    return None


def decode(tag: str, items: list[Any]) -> Any:
    """The torch value a TAGS item names; anything malformed is a ProtocolError."""
    import torch

    try:
        if tag == "Tn" and len(items) == 6:
            return tensor(*items[:3], device=items[4], kind=items[5])
        if tag == "Op" and len(items) == 2 and type(items[0]) is str and items[0].count("::") == 1:
            return _op(items[0], None if items[1] is None else _identifier(items[1]))
        if tag == "Dt" and len(items) == 1 and isinstance(getattr(torch, _identifier(items[0]), None), torch.dtype):
            return getattr(torch, items[0])
        if tag == "Dv" and len(items) == 2 and items[0] in DEVICES and (items[1] is None or type(items[1]) is int):
            return torch.device(items[0], items[1])
        if tag == "Sz" and all(type(n) is int and n >= 0 for n in items):
            return torch.Size(items)
        if tag == "Fn" and len(items) == 2 and items[0] in FUNCTION_MODULES and type(items[1]) is str:
            function = getattr(sys.modules.get(items[0]) or __import__(items[0]), _identifier(items[1]), None)
            if isinstance(function, types.BuiltinFunctionType):
                return function
    except (AttributeError, RuntimeError, TypeError, ValueError) as err:
        raise channel.ProtocolError(f"a malformed {tag!r} value: {err}") from None
    raise channel.ProtocolError(f"a malformed {tag!r} value")


def _identifier(name: Any) -> str:
    if type(name) is not str or not name.isidentifier() or name.startswith("__"):
        raise ValueError(f"{str(name)[:40]!r} is not a plain name")
    return name


def tensor(dtype: Any, shape: Any, data: Any, device: Any = "cpu", kind: Any = "t") -> Any:
    """A tensor from its dtype name, shape, base64 bytes and device type (checked, then copied)."""
    import torch

    kind_of = getattr(torch, _identifier(dtype), None)
    if not (isinstance(kind_of, torch.dtype) and type(shape) is list and all(type(n) is int and n >= 0 for n in shape)
            and type(data) is str and device in DEVICES and kind in ("t", "g", "p")):
        raise ValueError("a tensor must be [dtype, shape, base64, number, device, kind]")
    raw = base64.b64decode(data, validate=True)
    count = 1
    for n in shape:
        count *= n
    if len(raw) != count * kind_of.itemsize:
        raise ValueError(f"{len(raw)} bytes for a {dtype} tensor of shape {shape}")
    flat = torch.frombuffer(bytearray(raw), dtype=torch.uint8) if raw else torch.empty(0, dtype=torch.uint8)
    value = flat.view(kind_of).reshape(shape)
    if device == "cuda" and torch.cuda.is_available():
        value = value.to("cuda")
    if kind == "p":
        return torch.nn.Parameter(value, requires_grad=value.is_floating_point() or value.is_complex())
    return value.requires_grad_(True) if kind == "g" and value.is_floating_point() else value


# --- judge to worker: pickles ----------------------------------------------------------------------


def picklable(value: Any) -> bool:
    """A torch object the judge sends by pickle: a module (an fx GraphModule too), an fx Graph or Node."""
    torch = loaded()
    return torch is not None and isinstance(value, (torch.nn.Module, torch.fx.Graph, torch.fx.Node))


def dumps(value: Any, callable_number: Callable[[Any], int]) -> list[Any]:
    """["Pk", base64 pickle]; ops go by name, and a callable pickle cannot name (a test's local function)
    goes as the number of a judge callable, so calling it in the worker runs it here."""
    import torch

    class Pickler(pickle.Pickler):
        def reducer_override(self, obj: Any) -> Any:
            if isinstance(obj, torch._ops.OpOverload):
                return _op, (obj.overloadpacket._qualified_op_name, obj._overloadname)
            if isinstance(obj, torch._ops.OpOverloadPacket):
                return _op, (obj._qualified_op_name, None)
            return NotImplemented

        def persistent_id(self, obj: Any) -> Any:
            if isinstance(obj, types.FunctionType) and "<" in obj.__qualname__:  # a lambda or a local function
                return ("C", callable_number(obj), obj.__name__)
            return None

    buffer = io.BytesIO()
    Pickler(buffer).dump(value)
    return ["Pk", base64.b64encode(buffer.getvalue()).decode()]


def loads(data: str, callback: Callable[[int, str], Any]) -> Any:
    """The worker's side of dumps (the pickle is the judge's, so it is trusted here)."""

    class Unpickler(pickle.Unpickler):
        def persistent_load(self, pid: Any) -> Any:
            return callback(pid[1], pid[2])

    return Unpickler(io.BytesIO(base64.b64decode(data))).load()


def _op(qualified: str, overload: str | None) -> Any:
    """torch.ops.<namespace>.<name>[.<overload>], the course's own ops registered first if need be."""
    import torch

    namespace, name = (_identifier(part) for part in qualified.split("::"))
    if namespace in REGISTERED_BY:
        __import__(REGISTERED_BY[namespace])
    packet = getattr(getattr(torch.ops, namespace), name)
    return packet if overload is None else getattr(packet, overload)
