"""The package's floor plan: imports point down, never in a circle, and the CPU face is small.

Layers, bottom up: the CPU core (one concept per module), the torch halves (`gpu`,
`compilation`), the presentation layer, the command line. A module imports its own layer or
the ones below, counting imports inside functions too, so a lazy import cannot hide an
upward arrow.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "mini_vllm"
TWIN = ROOT / "phase-05-cuda-graphs-and-torch-compile" / "labs" / "lab-04-graph-vs-eager-real" / "results" / "twin.json"


def _layer(module: str) -> int:
    parts = module.split(".")
    if len(parts) > 1 and parts[1] in ("cli", "__main__"):
        return 3
    if len(parts) > 1 and parts[1] == "presentation":
        return 2
    if len(parts) > 1 and parts[1] in ("gpu", "compilation"):
        return 1
    return 0


def _modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def _imports(path: Path, known: set[str]) -> set[str]:
    """Every mini_vllm module `path` imports, at any depth of its code."""
    out = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        else:
            continue
        out |= {name for name in names if name in known}
    return out


GRAPH = {name: _imports(path, set(_modules())) - {name} for name, path in _modules().items()}


def test_imports_never_point_up_a_layer():
    upward = [f"{a} -> {b}" for a, targets in GRAPH.items() for b in targets
              if _layer(b) > _layer(a) and not b.startswith(a + ".")]
    assert not upward, f"upward imports (core < gpu/compilation < presentation < cli): {upward}"


def test_the_import_graph_has_no_cycles():
    state: dict[str, int] = {}  # 1: on the current path, 2: done

    def visit(node: str, path: list[str]) -> list[str] | None:
        state[node] = 1
        for nxt in sorted(GRAPH[node]):
            if nxt.startswith(node + "."):
                continue  # a package importing its own submodules is not a cycle
            if state.get(nxt) == 1:
                return path + [node, nxt]
            if nxt not in state and (cycle := visit(nxt, path + [node])):
                return cycle
        state[node] = 2
        return None

    for start in sorted(GRAPH):
        if start not in state and (cycle := visit(start, [])):
            raise AssertionError(f"import cycle: {' -> '.join(cycle)}")


# One fresh process walks the CPU path: `import mini_vllm`, then the command line as a laptop
# without torch or matplotlib uses it (parse `compile`, report a committed GPU run).
CPU_PATH = """
import json, sys
import mini_vllm
core = sorted(m for m in sys.modules if m.startswith("mini_vllm"))
heavy_at_import = [m for m in ("torch", "matplotlib") if m in sys.modules]
import mini_vllm.compilation
from mini_vllm.cli import build_parser, main
build_parser().parse_args(["compile", "--compiler", "inductor", "--measure"])
main(["bench", "--from", sys.argv[1]])
print(json.dumps([core, heavy_at_import, [m for m in ("torch", "matplotlib") if m in sys.modules]]))
"""


@cache
def cpu_path() -> tuple[list[str], list[str], list[str]]:
    proc = subprocess.run([sys.executable, "-c", CPU_PATH, str(TWIN)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return tuple(json.loads(proc.stdout.splitlines()[-1]))


def test_import_mini_vllm_loads_only_the_cpu_core():
    core, heavy, _ = cpu_path()
    beyond_core = [m for m in core if _layer(m) > 0]
    assert not beyond_core, f"import mini_vllm should load the CPU core only, also got {beyond_core}"
    assert heavy == [], f"import mini_vllm must import neither torch nor matplotlib, got {heavy}"


def test_the_command_line_imports_neither_torch_nor_matplotlib_until_a_command_needs_them():
    *_, heavy = cpu_path()
    assert heavy == [], f"parsing `compile` or `bench --from` a saved run imported {heavy}"
