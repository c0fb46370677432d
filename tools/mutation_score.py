"""Mutation score of each lab's tests over its lab-API functions (instructor tooling, not CI).

A lab's API is what its solution.py imports from mini_vllm. mutmut (configured in
pyproject.toml, [tool.mutmut]) mutates those functions and methods one change at a time and
runs the labs' tests against each mutant; a test suite that lets a mutant live would let the
same bug in a student's file pass. Equivalent mutants (no test could tell them apart from the
reference) are listed in EQUIVALENT with the reason, and left out of the score.
Usage: pip install -e ".[dev,mutation]"; python tools/mutation_score.py [lab-dir ...]
(default: labs 01, 02, 03, 05, lab-04's analysis; where torch is installed, with the `compile`
extra, also lab-04's runner on the CPU stand-in and lab-06; minutes, not seconds). mutmut runs
only the tests that reach a mutant's function, in a process forked from one that already
imported torch, so a torch-lab mutant costs its own tests, not a torch start.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # lab_api imports this checkout's mini_vllm, not an installed one
LABS = ROOT / "phase-05-cuda-graphs-and-torch-compile" / "labs"
DEFAULT_LABS = ["lab-01", "lab-02", "lab-03", "lab-04", "lab-05", "lab-06"]
NEEDS_TORCH = ("lab-06",)  # its tests are skipped without torch: every mutant would survive
KILLED = {1, 3, 36, -24, 24, 152}  # 24/152: timeout; any other code (0, 5, 33: no test reached it) survived

# mutant name -> why no test can kill it (the behaviour is the reference's, written differently)
_OFF_STRIDE = ("a default max of 513 builds 512's ladder: the 16-stride above 256 stops at 512 "
               "either way, and the top rung is the largest on-stride size <= max")
_ROWS_AS_TUPLES = ("sorts SpeedupRows as tuples, batch first: the same order unless two rows share a "
                   "batch, which speedup_table never makes and the README leaves unordered")
_KEY_ORDER = ("json.dumps without sort_keys: cache_factors builds its dict in one fixed order (the "
              "config sorted by name), so the hashed string, and the key, is the same in every process")
_CONFIG_NAMES = ("another name for a config entry in the backend: the names only feed cache_key, the same "
                 "way in every process, so every key changes together and no hit or miss does")
_IDS = ("other piece ids: README §3 asks only that ids increase in graph order (not that they start "
        "at 0 or are contiguous), and every test reads them so")
_UNREAD_LABELS = ("labels for placeholders and the output, or a producer looked up for a non-getitem: "
                  "split_module never asks for the former, split_graph reads the latter only for a getitem")
_SAME_WORDS = "an error message changed around the words the tests require it to name"
_DETAIL = ("an error's detail after the argument's name (the type it got, a word's case): README §6 and §7 "
           "promise only that the message names the argument")
_READABLES = "other content in the files written for humans, which README §5 makes optional and no test reads"
EQUIVALENT: dict[str, str] = {
    "mini_vllm.capture_sizes.x_default_capture_sizes__mutmut_1": _OFF_STRIDE,
    "mini_vllm.bench_analysis.x_claims_verdict__mutmut_36": _ROWS_AS_TUPLES,
    "mini_vllm.bench_analysis.x_claims_verdict__mutmut_38": _ROWS_AS_TUPLES,
    **{f"mini_vllm.compilation.cache.x_cache_key__mutmut_{n}": _KEY_ORDER for n in (10, 12, 13)},
    **{f"mini_vllm.compilation.backend.xǁPiecewiseBackendǁ_open_cache__mutmut_{n}": _CONFIG_NAMES
       for n in (3, 4, 6, 7)},
    **{f"mini_vllm.compilation.partition.x_split_graph__mutmut_{n}": _IDS for n in (3, 36, 42)},
    **{f"mini_vllm.compilation.partition.x_split_graph__mutmut_{n}": _UNREAD_LABELS for n in (7, 8, 9, 10, 14)},
    **{f"mini_vllm.compilation.backend.xǁPiecewiseBackendǁ__init____mutmut_{n}": _SAME_WORDS for n in (14, 15)},
    **{f"mini_vllm.compilation.backend.xǁPiecewiseBackendǁ__call____mutmut_{n}": _SAME_WORDS for n in range(10, 16)},
    "mini_vllm.compilation.backend.xǁPiecewiseBackendǁ_open_cache__mutmut_19": _READABLES,
    "mini_vllm.compilation.launches.x_launches_per_step__mutmut_5": _DETAIL,
    "mini_vllm.compilation.launches.x_launches_per_step__mutmut_10": _DETAIL,
    "mini_vllm.compilation.launches.x_stacked_launches__mutmut_4": _DETAIL,
}
# lab-04's runner, scored on the CPU stand-in (mini_vllm/gpu/cuda_graph_standin.py) where torch
# is installed: every function of the module, its private helpers included.
RUNNER = "mini_vllm.gpu.cuda_graph_runner"
RUNNER_API = {RUNNER: ["CudaGraphRunner", "_static_buffers", "_settle", "_first_rows"]}
_BEFORE_CAPTURE = "state before capture() is no part of README §6's contract, and capture() sets it"
EQUIVALENT.update({f"{RUNNER}.xǁCudaGraphRunnerǁ__init____mutmut_{n}": _BEFORE_CAPTURE for n in (37, 38, 43, 44, 45, 46)})
EQUIVALENT.update({f"{RUNNER}.xǁCudaGraphRunnerǁ_check_inputs__mutmut_{n}": _SAME_WORDS for n in (3, 26)})
EQUIVALENT.update({f"mini_vllm.speedup_predictor.x_predict_speedup__mutmut_{n}": (
    "the refused twin's message past the key it names (the bytes' time it quotes, its closing question): "
    "README §7.2 promises only that it names per_batch['1']['gpu_us']") for n in range(60, 65)})
EQUIVALENT[f"{RUNNER}.xǁCudaGraphRunnerǁ_check_inputs__mutmut_8"] = (
    "the batch read from inputs[1] instead of inputs[0]: inputs that disagree are refused either way")


def lab_api(lab: Path) -> dict[str, list[str]]:
    """{module: [names]} that the lab's solution.py imports from mini_vllm, CPU modules only.

    A name a package re-exports (lab-06 imports from mini_vllm.compilation) is filed under the
    module that defines it, as mutmut names its mutants; constants have no mutants.
    """
    api: dict[str, list[str]] = {}
    for node in ast.parse((lab / "solution.py").read_text()).body:
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("mini_vllm.") \
                and not node.module.startswith("mini_vllm.gpu"):
            package = importlib.import_module(node.module)  # torch-free: mini_vllm imports it lazily
            for alias in node.names:
                home = getattr(getattr(package, alias.name), "__module__", None)
                if home is not None:
                    api.setdefault(home, []).append(alias.name)
    return api


def globs(api: dict[str, list[str]]) -> list[str]:
    """mutmut's mutant names: module.x_function__mutmut_N and module.xǁClassǁmethod__mutmut_N."""
    return [f"{m}.{prefix}{name}{suffix}" for m, names in api.items() for name in names
            for prefix, suffix in (("x_", "__mutmut_*"), ("xǁ", "ǁ*"))]


def results() -> dict[str, int]:
    codes: dict[str, int] = {}
    for meta in (ROOT / "mutants").rglob("*.meta"):
        codes.update(json.loads(meta.read_text())["exit_code_by_key"])
    return codes


def belongs(mutant: str, module: str, names: list[str]) -> bool:
    rest = mutant.removeprefix(module + ".")
    return rest != mutant and any(rest.startswith((f"x_{n}__mutmut_", f"xǁ{n}ǁ")) for n in names)


def main(argv: list[str]) -> int:
    wanted = argv or DEFAULT_LABS
    labs = [p for p in sorted(LABS.glob("lab-*")) if any(p.name.startswith(w) or p == Path(w).resolve()
                                                         for w in wanted)]
    if importlib.util.find_spec("torch") is None:
        skipped = [lab for lab in labs if lab.name.startswith(NEEDS_TORCH)]
        for lab in skipped:
            print(f"{lab.name}: skipped, its tests need torch (pip install -e '.[compile]')", file=sys.stderr)
        labs = [lab for lab in labs if lab not in skipped]
    apis = {lab: lab_api(lab) for lab in labs}
    if importlib.util.find_spec("torch") is not None:  # without it the runner's tests are skipped
        apis.update({lab: {**api, **RUNNER_API} for lab, api in apis.items() if lab.name.startswith("lab-04")})
    shutil.rmtree(ROOT / "mutants", ignore_errors=True)  # stale mutants would be scored as new
    log = Path(tempfile.gettempdir()) / "mutmut-run.log"  # its progress bar, for when it fails
    with log.open("w") as out:
        run = subprocess.run([sys.executable, "-m", "mutmut", "run",
                              *[g for api in apis.values() for g in globs(api)]],
                             cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
                             # no OpenMP pool, no Inductor compile workers across a fork
                             env={**os.environ, "OMP_NUM_THREADS": "1", "TORCHINDUCTOR_COMPILE_THREADS": "1"})
    if run.returncode:
        print(f"mutmut run failed (exit {run.returncode}); see {log}")
        return 1
    codes = results()
    print("| lab | module | mutants | equivalent | killed | survived | score |")
    print("|---|---|---|---|---|---|---|")
    worst = 100.0
    for lab, api in apis.items():
        for module, names in api.items():
            mine = {k: v for k, v in codes.items() if belongs(k, module, names)}
            equivalent = [k for k in mine if k in EQUIVALENT]
            counted = Counter("killed" if v in KILLED else "survived" for k, v in mine.items()
                              if k not in EQUIVALENT)
            total = counted["killed"] + counted["survived"]
            score = 100.0 * counted["killed"] / total if total else 100.0
            worst = min(worst, score)
            print(f"| {lab.name[:6]} | `{module.split('.', 1)[1].replace('.', '/')}.py` | {len(mine)} | {len(equivalent)} "
                  f"| {counted['killed']} | {counted['survived']} | {score:.1f}% |")
            for k in sorted(k for k in mine if k not in EQUIVALENT and mine[k] not in KILLED):
                print(f"      survived: {k}   (mutmut show {k})", file=sys.stderr)
    return 0 if worst >= 95.0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
