"""The harness checks its own judges: after each test, did anything replace what the tests compare with?

Python gives no isolation inside one process: a graded file can rebind `numpy.allclose`,
`pytest.approx`, a builtin, a test module's oracle or pytest's report machinery, and a test
would then judge with the file's version. A `Snapshot` remembers, before the graded file is
imported, the identity of every value in the watched modules, the code of their functions,
the members of the classes pytest reports with, and pytest's hook implementations;
`changes()` lists what differs since. It detects replacement, not every possible trick: the
instructors' guide says what it does and does not stop.
"""

from __future__ import annotations

import contextlib
import importlib
import sys
import types
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Any

# The modules the tests and the harness judge with: every value they hold, by identity.
JUDGES = ("builtins", "math", "operator", "functools", "copy", "json", "numpy", "numpy.testing",
          "numpy.linalg", "numpy.random", "pytest", "pluggy", "torch", "torch.testing")
# Where those judges are defined: these modules' classes are watched member by member too.
DEEP = ("numpy.testing._private.utils", "numpy._core.numeric", "numpy._core.fromnumeric",
        "numpy.lib._function_base_impl", "_pytest.approx", "_pytest.raises", "_pytest.python_api",
        "_pytest.reports", "_pytest.runner", "_pytest.outcomes", "_pytest.skipping", "_pytest.python",
        "_pytest.fixtures", "_pytest.main", "_pytest.terminal", "_pytest.capture",
        "_pytest.assertion.rewrite", "_pytest.assertion.util", "_pytest.nodes",
        "pluggy._callers", "pluggy._hooks", "pluggy._manager", "pytest_timeout",
        "xdist.remote", "xdist.workermanage", "execnet.gateway_base")
# Module state pytest itself rebinds around every test: not a judge, so not watched.
VOLATILE = {"_pytest.assertion.util": ("_reprcompare", "_config", "_assertion_pass")}
HOOKS = ("pytest_runtest_protocol", "pytest_runtest_setup", "pytest_runtest_call",
         "pytest_runtest_teardown", "pytest_runtest_makereport", "pytest_runtest_logreport",
         "pytest_runtest_logstart", "pytest_runtest_logfinish", "pytest_pyfunc_call",
         "pytest_report_teststatus", "pytest_terminal_summary", "pytest_sessionfinish")
_CODE = attrgetter("__code__", "__defaults__", "__kwdefaults__")
_MISSING = object()


def _ids(namespace: Mapping[str, Any]) -> tuple[int, ...]:
    return tuple(map(id, namespace.values()))


@dataclass
class Snapshot:
    """Identities taken before the graded file runs; `changes()` compares against them."""

    names: list[str] = field(default_factory=list)  # "numpy", "numpy.testing._private.utils.X", ...
    namespaces: list[Mapping[str, Any]] = field(default_factory=list)  # live: module and class dicts
    copies: list[dict[str, Any]] = field(default_factory=list)  # what each namespace held
    ids: list[tuple[int, ...]] = field(default_factory=list)
    modules: dict[str, types.ModuleType] = field(default_factory=dict)
    functions: list[tuple[str, types.FunctionType]] = field(default_factory=list)
    code: list[tuple[Any, Any, Any]] = field(default_factory=list)
    hooks: dict[str, tuple[Any, ...]] = field(default_factory=dict)
    pluginmanager: Any = None
    closed: set[str] = field(default_factory=set)  # namespaces where a new name is a change too

    @classmethod
    def take(cls, extra_modules: Iterable[types.ModuleType] = (), pluginmanager: Any = None,
             import_judges: bool = True) -> Snapshot:
        """Watch JUDGES and DEEP (where loaded), the grading package, and `extra_modules` (the tests).
        `import_judges=False` (a judged lab's worker, where nothing judges) watches only what is loaded."""
        snap = cls(pluginmanager=pluginmanager)
        for name in (*JUDGES, *DEEP):  # a judge not imported yet is imported now, before graded code runs
            parent = name.rpartition(".")[0]
            if import_judges and parent in sys.modules and name not in sys.modules:
                with contextlib.suppress(ImportError):
                    importlib.import_module(name)
        deep = {name: sys.modules[name] for name in DEEP if name in sys.modules}
        deep |= {name: mod for name, mod in list(sys.modules.items()) if name.startswith("mini_vllm.grading")}
        deep |= {mod.__name__: mod for mod in extra_modules}
        snap.closed = {mod.__name__ for mod in extra_modules}  # a new global there can shadow a builtin
        snap.modules = {name: sys.modules[name] for name in JUDGES if name in sys.modules} | deep
        for name, mod in snap.modules.items():
            snap._watch(name, vars(mod), skip=VOLATILE.get(name, ()))
            for attr, value in list(vars(mod).items()):
                if isinstance(value, types.FunctionType):
                    snap.functions.append((f"{name}.{attr}", value))
                elif name in deep and isinstance(value, type) and value.__module__ == name:
                    snap._watch(f"{name}.{attr}", vars(value))
                    snap.functions += [(f"{name}.{attr}.{m}", fn) for m, fn in vars(value).items()
                                       if isinstance(fn, types.FunctionType)]
        snap.code = list(map(_CODE, (fn for _, fn in snap.functions)))
        if pluginmanager is not None:
            snap.hooks = snap._hook_impls()
        return snap

    def _watch(self, name: str, namespace: Mapping[str, Any], skip: tuple[str, ...] = ()) -> None:
        if skip:  # a module with volatile names is watched through a filtered copy
            copy = {k: v for k, v in namespace.items() if k not in skip}
            self.names.append(name)
            self.namespaces.append(_Filtered(namespace, skip))
            self.copies.append(copy)
            self.ids.append(_ids(copy))
            return
        self.names.append(name)
        self.namespaces.append(namespace)
        self.copies.append(dict(namespace))
        self.ids.append(_ids(namespace))

    def _hook_impls(self) -> dict[str, tuple[Any, ...]]:
        hook = self.pluginmanager.hook
        return {name: tuple(impl.function for impl in getattr(hook, name).get_hookimpls())
                for name in HOOKS if hasattr(hook, name)}

    def changes(self, deep: bool = True) -> list[str]:
        """What differs from the snapshot, as short sentences ('numpy.allclose was replaced').

        Every call compares the identity of every watched value, `sys.modules` and the hooks;
        `deep` also compares every watched function's code and defaults (the costly part).
        """
        now = list(map(_ids, self.namespaces))
        code = list(map(_CODE, (fn for _, fn in self.functions))) if deep else self.code
        moved = [name for name, mod in self.modules.items() if sys.modules.get(name, mod) is not mod]
        hooks_same = self.pluginmanager is None or self._hook_impls() == self.hooks
        if now == self.ids and code == self.code and not moved and hooks_same:
            return []
        found = [f"sys.modules[{name!r}] was replaced" for name in moved]
        for i, (name, namespace, copy) in enumerate(zip(self.names, self.namespaces, self.copies)):
            if now[i] == self.ids[i]:
                continue
            here = [f"{name}.{attr} was {'replaced' if attr in namespace else 'deleted'}"
                    for attr, value in copy.items() if namespace.get(attr, _MISSING) is not value]
            if name in self.closed:
                here += [f"{name}.{attr} was added" for attr in namespace if attr not in copy]
            if not here:  # only new names (numpy importing a submodule lazily): accept them
                self.copies[i], self.ids[i] = dict(namespace), now[i]
            found += here
        found += [f"{where} had its code or defaults rewritten"
                  for (where, _), then, current in zip(self.functions, self.code, code) if then != current]
        if not hooks_same:
            found.append("pytest's hook implementations were changed (a plugin was registered or removed)")
        return found


class _Filtered(Mapping[str, Any]):
    """A live view of a module's namespace without the names pytest rebinds on its own."""

    def __init__(self, namespace: Mapping[str, Any], skip: tuple[str, ...]) -> None:
        self.namespace, self.skip = namespace, skip

    def __getitem__(self, key: str) -> Any:
        if key in self.skip:
            raise KeyError(key)
        return self.namespace[key]

    def __iter__(self):
        return (k for k in self.namespace if k not in self.skip)

    def __len__(self) -> int:
        return sum(1 for _ in self)
