"""Golden data from vLLM's own code: run upstream's enum, ladder, mode rules and dispatchers on the CPU.

No vLLM install, no GPU, no torch: the script reads the `.py` files of an extracted vLLM wheel,
picks out the definitions it needs with `ast` (the `CUDAGraphMode` class, the
`_set_cudagraph_sizes` method, the `CudagraphDispatcher` class, Model Runner V2's
`CudaGraphManager`, ...) and executes them in a namespace where every import they do not need at
run time is a stub. Each stubbed name is listed in the output, so a reader sees what was faked.
The objects those methods run on (`self`, the configs) are plain namespaces holding only the
fields the methods read. Nothing of upstream's code is copied into this repository: only the
results land in `tests/golden/vllm-<version>.json`, which `tests/test_upstream_golden.py` holds
mini_vllm to.

    pip download --no-deps vllm==0.22.1 -d /tmp/w0221
    unzip -q /tmp/w0221/*.whl 'vllm/*.py' -d /tmp/vllm-0.22.1
    pip download --no-deps vllm==0.33.0 -d /tmp/w0330
    unzip -q /tmp/w0330/*.whl 'vllm/*.py' -d /tmp/vllm-0.33.0
    python tools/upstream_golden.py --source 0.22.1=/tmp/vllm-0.22.1 --source 0.33.0=/tmp/vllm-0.33.0

Without --source, the roots come from VLLM_0_22_1_SRC and VLLM_0_33_0_SRC (the same variables
`tests/test_docs.py` reads).
"""

from __future__ import annotations

import argparse
import ast
import builtins
import contextlib
import itertools
import json
import os
import re
import sys
import types
from collections.abc import Callable, Iterator
from pathlib import Path

from mini_vllm.vllm_versions import SUPPORTED_VLLM_VERSIONS

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "golden"
VERSIONS = SUPPORTED_VLLM_VERSIONS  # the mirrored release first; tests/test_docs.py reads these three names


def source_env_var(version: str) -> str:
    """The environment variable that names the extracted source root of one vLLM version."""
    return "VLLM_" + version.replace(".", "_") + "_SRC"


def stamped_version(root: Path) -> str | None:
    """The version an extracted wheel (or an install) under `root` says it is, from vllm/_version.py."""
    version_file = root / "vllm" / "_version.py"
    if not version_file.is_file():
        return None
    found = re.search(r"__version__\s*=\s*version\s*=\s*['\"]([^'\"]+)", version_file.read_text())
    return found.group(1) if found else None


# --- loading upstream definitions --------------------------------------------------------------


class Anything:
    """A stand-in for an import the loaded code names but never needs: any use gives another.

    Called with a single function or class it returns it unchanged, so a stubbed decorator
    (`@torch.inference_mode()`) leaves the method as written; used as a base class it is object.
    """

    def __init__(self, name: str) -> None:
        self._name = name

    def __getattr__(self, attr: str) -> Anything:
        return Anything(f"{self._name}.{attr}")

    def __call__(self, *args, **kwargs):
        if len(args) == 1 and not kwargs and isinstance(args[0], (types.FunctionType, type)):
            return args[0]
        return Anything(f"{self._name}()")

    def __getitem__(self, item) -> Anything:
        return self

    def __or__(self, other) -> Anything:
        return self

    __ror__ = __or__

    def __mro_entries__(self, bases) -> tuple[type, ...]:
        return (object,)

    def __repr__(self) -> str:
        return f"<stub {self._name}>"


class Namespace(dict):
    """Globals for loaded code: builtins, then what we provide, then a recorded stub."""

    def __init__(self, provided: dict, stubbed: set[str]) -> None:
        super().__init__(provided)
        self["__builtins__"] = builtins
        self["__name__"] = __name__  # dataclasses look the defining module up in sys.modules
        self.stubbed = stubbed

    def __missing__(self, key: str):
        if hasattr(builtins, key):
            return getattr(builtins, key)
        self.stubbed.add(key)
        self[key] = Anything(key)
        return self[key]


class Upstream:
    """One extracted vLLM source tree, and the definitions taken from it."""

    def __init__(self, version: str, root: Path) -> None:
        self.version, self.root = version, root
        self.stubbed: set[str] = set()
        self._trees: dict[str, ast.Module] = {}

    def tree(self, rel: str) -> ast.Module:
        if rel not in self._trees:
            self._trees[rel] = ast.parse((self.root / rel).read_text(), filename=rel)
        return self._trees[rel]

    def _imports(self, rel: str, provided: dict) -> list[ast.stmt]:
        """The file's top-level standard-library imports run for real; others bind stubs."""
        real: list[ast.stmt] = []
        for node in self.tree(rel).body:
            if isinstance(node, ast.Import) and all(
                    a.name.split(".")[0] in sys.stdlib_module_names for a in node.names) or isinstance(node, ast.ImportFrom) and node.level == 0 and \
                    node.module.split(".")[0] in sys.stdlib_module_names:
                real.append(node)
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                for alias in node.names:
                    name = (alias.asname or alias.name).split(".")[0]
                    if name not in provided:
                        provided[name] = Anything(name)
                        self.stubbed.add(f"{rel}: {name}")
        return real

    def load(self, rel: str, names: tuple[str, ...], provided: dict | None = None) -> Namespace:
        """Execute the file's imports and the named top-level definitions, in file order."""
        provided = dict(provided or {})
        body = self._imports(rel, provided)
        ns = Namespace(provided, self.stubbed)
        wanted = set(names)
        for node in self.tree(rel).body:
            target = getattr(node, "name", None) or (
                node.targets[0].id if isinstance(node, ast.Assign)
                and isinstance(node.targets[0], ast.Name) else None)
            if target in wanted:
                body.append(node)
                wanted.discard(target)
        assert not wanted, f"{self.version} {rel}: no top-level {sorted(wanted)}"
        exec(compile(ast.Module(body=body, type_ignores=[]), f"{self.root / rel}", "exec"), ns)
        return ns

    def defines(self, rel: str, name: str) -> bool:
        """Whether the file assigns `name` at its top level (a constant one version added)."""
        return any(isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name)
                   and node.targets[0].id == name for node in self.tree(rel).body)

    def _class(self, rel: str, cls: str) -> ast.ClassDef:
        for node in self.tree(rel).body:
            if isinstance(node, ast.ClassDef) and node.name == cls:
                return node
        raise LookupError(f"{self.version} {rel}: no class {cls}")

    def method(self, rel: str, cls: str, name: str, provided: dict) -> Callable:
        """One method of a class too big to build, as a plain function taking `self` first."""
        node = next(n for n in self._class(rel, cls).body
                    if isinstance(n, ast.FunctionDef) and n.name == name)
        node = ast.FunctionDef(**{**node.__dict__, "decorator_list": []})
        ns = Namespace(dict(provided), self.stubbed)
        exec(compile(ast.Module(body=[node], type_ignores=[]), f"{self.root / rel}", "exec"), ns)
        return ns[name]

    def statement(self, rel: str, cls: str, method: str, test: str, provided: dict) -> Callable:
        """One top-level `if` of a method, found by its condition, as a function of `self`."""
        fn = next(n for n in self._class(rel, cls).body
                  if isinstance(n, ast.FunctionDef) and n.name == method)
        node = next(n for n in fn.body if isinstance(n, ast.If) and ast.unparse(n.test) == test)
        code = compile(ast.Module(body=[node], type_ignores=[]), f"{self.root / rel}", "exec")

        def run(self_: object) -> None:
            exec(code, Namespace({**provided, "self": self_}, self.stubbed))
        return run


@contextlib.contextmanager
def modules(entries: dict[str, dict]) -> Iterator[None]:
    """Temporarily install modules for the imports that upstream methods do inside their bodies."""
    saved = {name: sys.modules.get(name) for name in entries}
    for name, attrs in entries.items():
        module = types.ModuleType(name)
        module.__dict__.update(attrs)
        module.__path__ = []
        sys.modules[name] = module
    try:
        yield
    finally:
        for name, old in saved.items():
            if old is None:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = old


def ns(**fields) -> types.SimpleNamespace:
    return types.SimpleNamespace(**fields)


class BarRecorder:
    """tqdm for a capture loop: records each bar's description and count, then yields nothing."""

    def __init__(self) -> None:
        self.bars: list[list] = []

    def __call__(self, iterable, desc: str = "") -> list:
        self.bars.append([desc, len(list(iterable))])
        return []


class Quiet:
    """A logger that records nothing: upstream's warnings are not part of the golden data."""

    def __getattr__(self, name: str) -> Callable[..., None]:
        return lambda *args, **kwargs: None


# --- the definitions each version provides ----------------------------------------------------


class Defs:
    """The upstream objects the generators below run, loaded once per version."""

    def __init__(self, up: Upstream) -> None:
        self.up = up
        comp = up.load("vllm/config/compilation.py", ("CompilationMode", "CUDAGraphMode"))
        self.CompilationMode, self.CUDAGraphMode = comp["CompilationMode"], comp["CUDAGraphMode"]
        self.AttentionCGSupport = up.load("vllm/v1/attention/backend.py", ("AttentionCGSupport",))[
            "AttentionCGSupport"]
        self.BatchDescriptor = up.load("vllm/forward_context.py", ("BatchDescriptor",))["BatchDescriptor"]
        lora = up.load("vllm/lora/utils.py", ("get_captured_lora_counts",))
        math_utils = up.load("vllm/utils/math_utils.py", ("round_up",))
        self.quiet = Quiet()
        self.common = {"CUDAGraphMode": self.CUDAGraphMode, "CompilationMode": self.CompilationMode,
                       "BatchDescriptor": self.BatchDescriptor, "logger": self.quiet,
                       "get_captured_lora_counts": lora["get_captured_lora_counts"],
                       "round_up": math_utils["round_up"],
                       "envs": ns(VLLM_USE_BREAKABLE_CUDAGRAPH=False)}
        self.set_cudagraph_sizes = up.method("vllm/config/vllm.py", "VllmConfig", "_set_cudagraph_sizes",
                                             self.common)
        self.resolve = up.method("vllm/config/compilation.py", "CompilationConfig",
                                 "resolve_cudagraph_mode_and_sizes", self.common)
        self.enforce_eager = up.statement(
            "vllm/config/vllm.py", "VllmConfig", "__post_init__",
            "self.model_config is not None and self.model_config.enforce_eager", self.common)
        if up.version == "0.22.1":  # the piecewise downgrade is inline in __post_init__
            self.downgrade = up.statement(
                "vllm/config/vllm.py", "VllmConfig", "__post_init__",
                "self.compilation_config.cudagraph_mode.requires_piecewise_compilation() and "
                "self.compilation_config.mode != CompilationMode.VLLM_COMPILE and "
                "(not envs.VLLM_USE_BREAKABLE_CUDAGRAPH)", self.common)
        else:  # a method of its own from 0.33.0 on
            normalize = up.method("vllm/config/vllm.py", "VllmConfig", "_normalize_piecewise_cudagraph_mode",
                                  self.common)
            self.downgrade = lambda self_: normalize(self_, breakable_cudagraph_enabled=False)
        self.Dispatcher = up.load("vllm/v1/cudagraph_dispatcher.py", ("CudagraphDispatcher",),
                                  self.common)["CudagraphDispatcher"]
        # V2's capture loop runs for real with tqdm replaced by a recorder that hands it no descriptor
        # to capture, so the bars come from upstream's own loop and no graph (no torch) is needed.
        self.bars = BarRecorder()
        v2_names = ("BatchExecutionDescriptor", "CudaGraphManager")
        profiles = up.defines(V2_UTILS, PROFILING_SAMPLES)  # 0.33.0 profiles graph memory by capturing
        v2 = up.load(V2_UTILS, v2_names + ((PROFILING_SAMPLES,) if profiles else ()),
                     {**self.common, "tqdm": self.bars, "is_global_first_rank": lambda: True,
                      "graph_capture": lambda device: contextlib.nullcontext()})
        self.Manager = v2["CudaGraphManager"]
        self.profiling_samples = v2[PROFILING_SAMPLES] if profiles else None
        self.body_modules = {
            "vllm": {}, "vllm.compilation": {}, "vllm.v1": {}, "vllm.v1.attention": {},
            "vllm.compilation.breakable_cudagraph": {"is_breakable_cudagraph_enabled": lambda: False},
            "vllm.v1.attention.backend": {"AttentionCGSupport": self.AttentionCGSupport},
        }


# --- the generators --------------------------------------------------------------------------

RUNTIME = ("NONE", "PIECEWISE", "FULL")


def enum_table(d: Defs) -> dict:
    """Every method of every CUDAGraphMode member (without_piecewise only where it exists)."""
    table = {}
    for m in d.CUDAGraphMode:
        row = {"value": list(m.value) if isinstance(m.value, tuple) else m.value,
               "decode_mode": m.decode_mode().name, "mixed_mode": m.mixed_mode().name,
               "has_mode": {r: m.has_mode(d.CUDAGraphMode[r]) for r in RUNTIME},
               "requires_piecewise_compilation": m.requires_piecewise_compilation(),
               "max_cudagraph_mode": m.max_cudagraph_mode().name,
               "has_full_cudagraphs": m.has_full_cudagraphs(),
               "has_piecewise_cudagraphs": m.has_piecewise_cudagraphs(),
               "separate_routine": m.separate_routine(),
               "is_valid_runtime_mode": m.is_valid_runtime_mode(), "bool": bool(m), "str": str(m)}
        if hasattr(m, "without_piecewise"):
            row["without_piecewise"] = m.without_piecewise().name
        table[m.name] = row
    return table


def ladder(d: Defs, max_num_seqs: int, max_num_batched_tokens: int, max_capture_size: int | None,
           capability_family_100: bool) -> list[int]:
    """VllmConfig._set_cudagraph_sizes on a config holding only what it reads (balanced mode)."""
    cc = ns(max_cudagraph_capture_size=max_capture_size, cudagraph_capture_sizes=None,
            cudagraph_mode=d.CUDAGraphMode.FULL_AND_PIECEWISE, pass_config=ns(enable_sp=False),
            post_init_cudagraph_sizes=lambda: None)
    config = ns(model_config=ns(enforce_eager=False), compilation_config=cc, speculative_config=None,
                scheduler_config=ns(max_num_seqs=max_num_seqs, max_num_batched_tokens=max_num_batched_tokens),
                parallel_config=ns(tensor_parallel_size=1), performance_mode="balanced",
                uniform_decode_query_len=1)
    platform = ns(is_device_capability_family=lambda family: capability_family_100 and family == 100)
    with modules({"vllm": {}, "vllm.platforms": {"current_platform": platform}}):
        d.set_cudagraph_sizes(config)
    return list(cc.cudagraph_capture_sizes)


LADDER_GRID = {
    "max_num_seqs": (1, 3, 4, 8, 50, 100, 128, 130, 256, 300, 512, 600, 1024),
    "max_num_batched_tokens": (1, 7, 100, 256, 260, 777, 2048, 8192),
    "max_capture_size": (None, 1, 100, 272, 1000),
}


def ladders(d: Defs) -> list[dict]:
    rows = []
    families = (False, True) if d.up.version != "0.22.1" else (False,)
    for mns, mnbt, mcs, fam in itertools.product(*LADDER_GRID.values(), families):
        if mnbt < mns:  # the scheduler config rejects it before any ladder is built
            continue
        rows.append({"max_num_seqs": mns, "max_num_batched_tokens": mnbt, "max_capture_size": mcs,
                     "compute_capability": [10, 0] if fam else [9, 0],
                     "sizes": ladder(d, mns, mnbt, mcs, fam)})
    return rows


def resolved(d: Defs, mode: str, compilation: int, enforce_eager: bool, support: str,
             attention_in_splitting_ops: bool) -> str:
    """enforce_eager, the piecewise downgrade, then the attention-support rules, as upstream runs them.

    Outside VLLM_COMPILE the splitting ops are emptied (compilation.py:1104-1107 in 0.22.1), so
    attention counts as split out only under VLLM_COMPILE; that is the one input modelled here.
    """
    comp = d.CompilationMode(compilation)
    split = attention_in_splitting_ops and comp is d.CompilationMode.VLLM_COMPILE
    cc = ns(mode=comp, cudagraph_mode=d.CUDAGraphMode[mode], max_cudagraph_capture_size=512,
            cudagraph_capture_sizes=[1, 2, 4], use_inductor_graph_partition=False,
            splitting_ops_contain_attention=lambda: split,
            adjust_cudagraph_sizes_for_spec_decode=lambda *a: None)
    config = ns(model_config=ns(enforce_eager=enforce_eager), compilation_config=cc,
                parallel_config=ns(enable_fault_tolerance=False), kernel_config=ns(enable_jit_warmup=True))
    d.enforce_eager(config)
    d.downgrade(config)
    try:
        with modules(d.body_modules):
            return d.resolve(cc, d.AttentionCGSupport[support], "backend").name
    except ValueError:
        return "ValueError"


def resolutions(d: Defs) -> list[dict]:
    rows = []
    for mode, comp, eager, support, split in itertools.product(
            [m.name for m in d.CUDAGraphMode], [m.value for m in d.CompilationMode], (False, True),
            [s.name for s in d.AttentionCGSupport], (True, False)):
        rows.append({"cudagraph_mode": mode, "compilation_mode": comp, "enforce_eager": eager,
                     "attention_support": support, "attention_in_splitting_ops": split,
                     "result": resolved(d, mode, comp, eager, support, split)})
    return rows


def v1_dispatcher(d: Defs, mode: str, sizes: list[int], max_num_seqs: int):
    cc = ns(cudagraph_mode=d.CUDAGraphMode[mode], max_cudagraph_capture_size=sizes[-1],
            cudagraph_capture_sizes=list(sizes), compile_sizes=[], cudagraph_specialize_lora=True,
            mode=d.CompilationMode.VLLM_COMPILE, splitting_ops=[],
            is_attention_compiled_piecewise=lambda: True)
    config = ns(compilation_config=cc, speculative_config=None, num_speculative_tokens=0,
                lora_config=None, scheduler_config=ns(max_num_seqs=max_num_seqs))
    with modules(d.body_modules):
        dispatcher = d.Dispatcher(config)
        dispatcher.initialize_cudagraph_keys(d.CUDAGraphMode[mode], 1)
    return dispatcher


def desc_json(desc) -> list:
    return [desc.num_tokens, desc.num_reqs, desc.uniform]


DISPATCH_CASES = (([1, 2, 4, 8, 16, 24, 32], 4), ([1, 2, 4, 8, 16, 24], 16), ([3, 5, 12], 8))


def dispatches(d: Defs) -> list[dict]:
    """V1's CudagraphDispatcher: every batch size up to past the top rung, both batch kinds."""
    rows = []
    for mode, (sizes, mns) in itertools.product([m.name for m in d.CUDAGraphMode], DISPATCH_CASES):
        dispatcher = v1_dispatcher(d, mode, sizes, mns)
        for invalid in (None, ["FULL"]):
            table = []
            for tokens, uniform in itertools.product(range(1, sizes[-1] + 3), (False, True)):
                modes = {d.CUDAGraphMode[m] for m in invalid} if invalid else None
                runtime, desc = dispatcher.dispatch(tokens, uniform_decode=uniform, invalid_modes=modes)
                table.append([tokens, uniform, runtime.name, desc_json(desc)])
            rows.append({"cudagraph_mode": mode, "capture_sizes": sizes, "max_num_seqs": mns,
                         "invalid_modes": invalid, "dispatch": table})
    return rows


# The bars' wording, checked against the source below: V1 formats "(kind, MODE)" into its tqdm
# description in gpu_model_runner.py, V2's CudaGraphManager.capture appends "(MODE)" to its
# progress_bar_desc default in cudagraph_utils.py.
V1_BAR = "Capturing CUDA graphs ({kind}, {mode})"
V2_BAR = "Capturing CUDA graphs ({mode})"
BAR_SOURCES = {
    "vllm/v1/worker/gpu_model_runner.py": ('desc="Capturing CUDA graphs ({}, {})".format(',
                                           '"decode" if uniform_decode else "mixed prefill-decode"'),
    "vllm/v1/worker/gpu/cudagraph_utils.py": ('progress_bar_desc: str = "Capturing CUDA graphs"',
                                              'desc=f"{progress_bar_desc} ({mode.name})"'),
}


def check_sources(up: Upstream, sources: dict[str, tuple[str, ...]], what: str) -> None:
    """Every statement a generator relies on is still in the source, else the golden data would lie."""
    for rel, needles in sources.items():
        text = (up.root / rel).read_text()
        for needle in needles:
            assert needle in text, f"{up.version} {rel} no longer holds {needle!r}: update {what}"


def v1_passes(d: Defs, mode: str, sizes: list[int], mns: int) -> list[list]:
    out = []
    for runtime, descs in v1_dispatcher(d, mode, sizes, mns).get_capture_descs():
        kind = "decode" if descs[0].uniform else "mixed prefill-decode"
        out.append([V1_BAR.format(kind=kind, mode=runtime.name), len(descs)])
    return out


V2_UTILS = "vllm/v1/worker/gpu/cudagraph_utils.py"
PROFILING_SAMPLES = "_FULL_GRAPH_PROFILING_SAMPLES"
# 0.33.0's profile_cudagraph_memory caps the FULL pass at that many graphs and runs capture_model
# once before the real capture; the statements checked here are the ones v2_startup replays.
PROFILING_SOURCES = {
    V2_UTILS: ("manager._max_full_descs_to_capture = _FULL_GRAPH_PROFILING_SAMPLES",
               "descs = descs[: self._max_full_descs_to_capture]",
               "measured = int(runner.capture_model(profile_only=True))"),
    "vllm/v1/worker/gpu/model_runner.py": ('"Graph capturing finished in %.0f secs, took %.2f GiB"',),
}


def v2_startup(d: Defs, mode: str, sizes: list[int], mns: int) -> list[list]:
    """Every bar V2 prints at start-up: CudaGraphManager.capture itself, run with no graph to capture.

    Where the version profiles graph memory (0.33.0), the capture runs first with the FULL pass
    cut to the profiling sample, as profile_cudagraph_memory sets it, then again for real.
    """
    manager = v2_manager(d, mode, sizes, mns)
    runs = [d.profiling_samples, None] if d.profiling_samples is not None and manager.needs_capture() else [None]
    d.bars.bars = []
    for cap in runs:
        manager._max_full_descs_to_capture = cap
        d.Manager.capture(manager, lambda *args, **kwargs: None)
    return d.bars.bars


def v2_manager(d: Defs, mode: str, sizes: list[int], mns: int):
    """A CudaGraphManager with only the fields _init_candidates and capture read."""
    manager = object.__new__(d.Manager)
    cc = ns(cudagraph_capture_sizes=list(sizes), max_cudagraph_capture_size=sizes[-1])
    manager.__dict__.update(
        vllm_config=ns(speculative_config=None, num_speculative_tokens=0, cache_config=ns(use_kda_recoverssm=False),
                       compilation_config=cc),
        compilation_config=cc, max_num_reqs=mns, cudagraph_mode=d.CUDAGraphMode[mode], decode_query_len=1,
        varlen_decode=False, ubatch_runner=None, lora_capture_cases=[0], _candidates={}, _capture_descs={},
        device=None)
    manager._init_candidates()
    return manager


def v2_passes(d: Defs, mode: str, sizes: list[int], mns: int) -> list[list]:
    """Model Runner V2's capture passes: CudaGraphManager._init_candidates on a minimal self."""
    manager = v2_manager(d, mode, sizes, mns)
    order = (d.CUDAGraphMode.PIECEWISE, d.CUDAGraphMode.FULL)  # capture(): PIECEWISE first, then FULL
    return [[V2_BAR.format(mode=m.name), len(manager._capture_descs[m])] for m in order
            if m in manager._capture_descs]


LOG_CASES = (([1, 2, 4, 8, 16, 24, 32], 4), ([1, 2, 4, 8, 16, 24, 32], 64), ([3, 5, 40], 8),
             ([1], 1), ("default-512", 256), ("default-512", 1024), ("default-512", 100))


def capture_logs(d: Defs) -> list[dict]:
    rows = []
    for mode, (sizes, mns) in itertools.product([m.name for m in d.CUDAGraphMode], LOG_CASES):
        if sizes == "default-512":
            sizes = ladder(d, 1024, 8192, 512, False)
        rows.append({"cudagraph_mode": mode, "capture_sizes": sizes, "max_num_seqs": mns,
                     "v1": v1_passes(d, mode, sizes, mns), "v2": v2_passes(d, mode, sizes, mns),
                     "v2_startup": v2_startup(d, mode, sizes, mns)})
    return rows


def generate(version: str, root: Path) -> dict:
    up = Upstream(version, root)
    stamped = stamped_version(root)
    assert stamped == version, f"{root} holds vLLM {stamped}, not {version}"
    check_sources(up, BAR_SOURCES, "the bar wording")
    if up.defines(V2_UTILS, PROFILING_SAMPLES):
        check_sources(up, PROFILING_SOURCES, "v2_startup")
    d = Defs(up)
    data = {"vllm_version": version, "cudagraph_mode": enum_table(d), "ladders": ladders(d),
            "resolve": resolutions(d), "dispatch": dispatches(d), "capture_log": capture_logs(d)}
    data["stubbed"] = sorted(up.stubbed)
    return data


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", action="append", default=[], metavar="VERSION=DIR",
                        help="an extracted wheel root (holding vllm/); default: $VLLM_<X_Y_Z>_SRC")
    parser.add_argument("--out", type=Path, default=GOLDEN)
    args = parser.parse_args(argv)
    roots = {v: os.environ.get(source_env_var(v)) for v in VERSIONS}
    for item in args.source:
        version, _, path = item.partition("=")
        if version not in VERSIONS:
            parser.error(f"--source version must be one of {', '.join(VERSIONS)}, got {version!r}")
        roots[version] = path
    missing = [v for v, r in roots.items() if not r]
    if missing:
        parser.error("no source root for " + ", ".join(
            f"{v} (--source {v}=DIR or {source_env_var(v)})" for v in missing))
    args.out.mkdir(parents=True, exist_ok=True)
    for version, root in roots.items():
        data = generate(version, Path(root))
        path = args.out / f"vllm-{version}.json"
        path.write_text(json.dumps(data, separators=(",", ":"), sort_keys=False) + "\n")
        print(f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}: "
              f"{len(data['ladders'])} ladders, {len(data['resolve'])} resolutions, "
              f"{len(data['dispatch'])} dispatch tables, {len(data['capture_log'])} capture logs; "
              f"stubbed {len(data['stubbed'])} imports")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
