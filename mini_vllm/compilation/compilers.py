"""The compilers a piece can go through, and the plumbing around them.

This is torch plumbing the lab provides rather than asks for: `compile_piece` turns one FX
piece into a callable with the chosen compiler, `piece_inputs` finds the example inputs each
piece is compiled for, `install_piece` puts a compiled piece into the split graph, and
`save_artifact` / `load_artifact` move an Inductor result to and from disk. vLLM does the same through `CompilerManager` and
`InductorStandaloneAdaptor`, which wrap `torch._inductor.standalone_compile` (present in the
torch 2.11 that vLLM 0.22.1 pins). upstream: vllm/compilation/compiler_interface.py and
CompilerManager in vllm/compilation/backends.py (0.22.1).

- "eager": the piece runs as traced; there is nothing to save.
- "aot_eager": AOTAutograd traces the piece to aten ops and runs them eagerly (the usual
  debugging backend); nothing is saved either, so a cache hit runs the traced piece instead.
- "inductor": fused kernels (C++ on CPU, Triton on GPU); the artifact is saved, and a cache hit
  loads it instead of compiling.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import torch

    from mini_vllm.compilation.partition import SplitItem

COMPILERS = ("eager", "aot_eager", "inductor")
SAVES_ARTIFACTS = ("inductor",)


def compile_piece(compiler: str, piece: torch.fx.GraphModule, example_inputs: Sequence[Any]) -> Callable[..., Any]:
    """Compile one piece with a named compiler; the result takes the piece's inputs."""
    if compiler == "eager":
        return piece
    if compiler == "aot_eager":
        from torch._dynamo import lookup_backend

        return lookup_backend("aot_eager")(_tuple_output(piece), list(example_inputs))
    if compiler == "inductor":
        import torch._inductor

        return torch._inductor.standalone_compile(
            _tuple_output(piece), list(example_inputs), dynamic_shapes="from_example_inputs")
    raise ValueError(f"compiler must be one of {COMPILERS} or a callable, got {compiler!r}")


def _tuple_output(piece: torch.fx.GraphModule) -> torch.fx.GraphModule:
    """The piece, returning a tuple even when it has one output (AOTAutograd insists on it).

    upstream gets the same from split_module(tuple_return=True) on torch >= 2.12
    (vllm/compilation/backends.py:597-603); torch 2.11 lacks that flag, so we rewrite the output node instead.
    """
    import copy

    import torch

    if _returns_tuple(piece):
        return piece
    graph = copy.deepcopy(piece.graph)
    output = next(n for n in reversed(graph.nodes) if n.op == "output")
    output.args = ((output.args[0],),)
    return torch.fx.GraphModule(piece, graph)


def save_artifact(compiled: Any, path: Path) -> None:
    """Write an Inductor result (a CompiledArtifact) to `path`."""
    compiled.save(path=str(path), format="binary")


def load_artifact(path: Path) -> Callable[..., Any]:
    """Read back what save_artifact wrote: a callable, with no compilation."""
    from torch._inductor import CompiledArtifact

    return CompiledArtifact.load(path=str(path), format="binary")


def store_artifact(compiler: str, compiled: Any, directory: Path, graph_id: int) -> str | None:
    """Save piece `graph_id` as `compiler` compiled it, if that can be saved; its file name, or None.

    Only Inductor's output can be saved (SAVES_ARTIFACTS): eager and aot_eager leave nothing
    worth keeping, so their index entries name no artifact and a hit runs the traced piece.
    """
    if compiler not in SAVES_ARTIFACTS:
        return None
    name = f"artifact_subgraph_{graph_id}"
    save_artifact(compiled, directory / name)
    return name


def keep_inductor_cache(compiler: str, directory: Path) -> None:
    """For Inductor, point TORCHINDUCTOR_CACHE_DIR at directory/inductor_cache; others: nothing.

    Inductor's own cache holds the kernels it built; kept next to our artifacts, a warm start
    on a CPU finds them instead of running gcc again (lab-06 README, after the lab). Upstream's
    AOT-compile layout keeps an inductor_cache/ the same way.
    """
    if compiler == "inductor":
        os.environ["TORCHINDUCTOR_CACHE_DIR"] = str(directory / "inductor_cache")


def inductor_launches(compile_call: Callable[[], Any]) -> tuple[Any, int]:
    """Run `compile_call` (an Inductor compile) and count the kernel calls in the code it wrote.

    A launch of the generated `call()` is a fused kernel (`cpp_fused_*` on CPU, `triton_*` on
    GPU), an extern kernel (`extern_kernels.mm`, ...), or an aten fallback (`torch.ops.aten.*`).
    Returns (whatever compile_call returned, kernel calls).
    """
    from torch._inductor.utils import run_and_get_code

    result, sources = run_and_get_code(compile_call)
    call_line = re.compile(r"^\s+(?:\w+ = )?(?:cpp_fused_\w+|triton_\w+(?:\.run)?|extern_kernels\.\w+|torch\.ops\.aten\.[\w.]+)\(", re.M)
    return result, sum(len(call_line.findall(source)) for source in sources)


def piece_inputs(split_gm: torch.fx.GraphModule, example_inputs: Sequence[Any]) -> dict[str, tuple[Any, ...]]:
    """Run the split graph once on the example inputs; return what each submodule was called with.

    Inductor and AOTAutograd compile a piece for concrete example inputs. Upstream gets them by
    interpreting the split graph under fake tensors (PiecewiseCompileInterpreter in
    vllm/compilation/backends.py); we simply run it.
    """
    import torch

    seen: dict[str, tuple[Any, ...]] = {}

    class Recorder(torch.fx.Interpreter):
        def call_module(self, target: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
            seen[target] = args
            return super().call_module(target, args, kwargs)

    Recorder(split_gm).run(*example_inputs)
    return seen


def install_piece(split_gm: torch.fx.GraphModule, item: SplitItem, compiled: Callable[..., Any]) -> None:
    """Make `split_gm` call `compiled` in place of the submodule `item.submod_name`.

    The compiled object need not be an nn.Module, so it goes into the instance __dict__, which
    attribute lookup reads before nn.Module's registry (upstream does the same). Its outputs are
    reshaped to what the split graph expects: a tuple, or a single value for a one-output piece.
    """
    split_gm.__dict__[item.submod_name] = _Piece(compiled, _returns_tuple(item.graph))


class _Piece:
    """A compiled piece behind the calling convention split_module gave its submodule."""

    def __init__(self, compiled: Callable[..., Any], returns_tuple: bool) -> None:
        self.compiled = compiled
        self.returns_tuple = returns_tuple

    def __call__(self, *args: Any) -> Any:
        out = self.compiled(*args)
        if self.returns_tuple:
            return tuple(out)
        return out[0] if isinstance(out, (list, tuple)) else out


def _returns_tuple(piece: torch.fx.GraphModule) -> bool:
    output = next(n for n in reversed(piece.graph.nodes) if n.op == "output")
    return isinstance(output.args[0], (tuple, list))
