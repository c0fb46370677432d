"""The command line answers bad input with one line on stderr and exit status 2 (issue 18).

No traceback, nothing allocated or measured past a bound the error and --help state, no flag
silently ignored, and a chart reports the path it wrote. Each invocation below once ended in a
traceback, ran out of memory, ran for minutes or misreported what it did. `main` runs in this
process, as the console script calls it.
"""

from __future__ import annotations

import importlib.machinery
import json
import sys
import types
from pathlib import Path

import pytest

from mini_vllm import cli
from mini_vllm.checks import MAX_CAPTURE_SIZE
from mini_vllm.cli import main

RESULTS = (Path(__file__).resolve().parents[1] / "phase-05-cuda-graphs-and-torch-compile" / "labs"
           / "lab-04-graph-vs-eager-real" / "results")
TWIN = str(RESULTS / "twin.json")


def run(argv: list[str], capsys) -> tuple[int, str, str]:
    try:
        code = main(argv)
    except SystemExit as exit_:
        code = exit_.code
    out, err = capsys.readouterr()
    return code, out, err


def refused(argv: list[str], capsys, *names: str) -> str:
    """Exit 2, no traceback, and exactly one line on stderr, argparse-style, naming all of `names`."""
    code, _, err = run(argv, capsys)
    command = f"mini-vllm {' '.join(argv)}"
    assert "Traceback" not in err, f"{command}: a traceback instead of one line:\n{err}"
    assert code == 2, f"{command}: exit status 2 for bad input, got {code}; stderr:\n{err}"
    lines = err.strip().splitlines()
    assert len(lines) == 1, f"{command}: one line on stderr, got:\n{err}"
    assert lines[0].startswith(f"mini-vllm {argv[0]}: error: "), f"{command}: not argparse's form: {lines[0]!r}"
    for name in names:
        assert name in lines[0], f"{command}: the error must name {name!r}: {lines[0]!r}"
    return lines[0]


# --- sizes past a stated bound are refused while parsing, before anything is allocated -------

# (command and the flags it needs, the bounded flag, its bound)
BOUNDS = [
    (["simulate"], "--layers", cli.MAX_LAYERS),
    (["simulate"], "--steps", cli.MAX_SIM_STEPS),
    (["simulate"], "--max-batch", cli.MAX_SIM_BATCH),
    (["simulate"], "--sizes", cli.MAX_SIM_BATCH),
    (["crossover-chart", "--out", "x.png"], "--max-calls", cli.MAX_CHART_CALLS),
    (["ladder"], "--max", MAX_CAPTURE_SIZE),
    (["ladder-chart", "--out", "x.png"], "--max", cli.MAX_CHART_LADDER),
    (["bench"], "--steps", cli.MAX_BENCH_STEPS),
    (["bench"], "--batch-sizes", cli.MAX_BENCH_BATCH),
    (["bench"], "--repeats", cli.MAX_BENCH_REPEATS),
    (["compile"], "--layers", cli.MAX_COMPILE_LAYERS),
    (["compile"], "--hidden", cli.MAX_COMPILE_HIDDEN),
    (["compile", "--measure"], "--repeats", cli.MAX_COMPILE_REPEATS),
    (["grade", "05", "x.py"], "--jobs", cli.MAX_GRADE_JOBS),
]
BOUND_IDS = [f"{argv[0]} {flag}" for argv, flag, _ in BOUNDS]


@pytest.mark.parametrize("argv, flag, bound", BOUNDS, ids=BOUND_IDS)
def test_a_size_past_its_bound_is_refused_with_the_bound(argv, flag, bound, capsys):
    for value in (bound + 1, 10**30):
        refused([*argv, flag, str(value)], capsys, flag, str(bound))


@pytest.mark.parametrize("argv, flag, bound", BOUNDS, ids=BOUND_IDS)
def test_help_states_the_bound_and_the_bound_itself_parses(argv, flag, bound):
    parser = cli.build_parser()
    args = parser.parse_args([*argv, flag, str(bound)])
    help_text = " ".join(args.parser.format_help().split())
    assert f"at most {bound}" in help_text, f"`mini-vllm {argv[0]} --help` must state {flag}'s bound {bound}"


def argv_id(argv: list[str]) -> str:
    """A test id from an argv: file paths by their name, an empty argument as ''."""
    return " ".join(Path(a).name[:24] if "/" in a else a[:24] or "''" for a in argv)


BAD_VALUES = [
    (["simulate", "--seed", "-1"], ["--seed", ">= 0"]),
    (["simulate", "--seed", "1.5"], ["--seed"]),
    (["simulate", "--steps", "1_0"], ["--steps"]),
    (["simulate", "--steps", "\u0663"], ["--steps"]),  # an Arabic-Indic 3: int() would take it
    (["crossover-chart", "--out", "x.png", "--max-calls", "1"], ["--max-calls"]),
    (["ladder", "--max-num-seqs", "100000"], ["max_num_batched_tokens"]),
    (["dispatch", "--tokens", "33", "--invalid", "FULL_AND_PIECEWISE"], ["--invalid"]),
    (["dispatch", "--tokens", "33", "--invalid", "NONE", "PIECEWISE", "FULL"], ["invalid_modes"]),
    (["dispatch", "--tokens", "1000", "--max-num-batched-tokens", "512", "--max-num-seqs", "600"],
     ["max_num_batched_tokens"]),
    (["dispatch", "--tokens", "3", "--mode", "FULL_AND_EAGER"], ["--mode", "FULL_AND_PIECEWISE"]),
    (["dispatch", "--tokens", "3", "--mode", "p\u0131ecew\u0131se"], ["--mode"]),  # dotless i
    (["dispatch", "--tokens", "3", "--invalid", "FULL", "p\u0131ecew\u0131se"], ["--invalid"]),
    (["ladder", "--max-num-seqs", "8", "--vllm-version", "0.33.0", "--compute-capability", "\u0661\u0660.0"],
     ["--compute-capability"]),
    (["crossover", "--num-ops", "many"], ["--num-ops"]),
    (["crossover", "--num-ops", "9" * 150], ["--num-ops", "100 digits"]),
    (["compile", "--hidden", "30"], ["--hidden", "multiple of 4"]),
    (["compile", "--cache-dir", __file__], ["--cache-dir", __file__]),
    (["compile", "--cache-dir", f"{__file__}/sub"], ["--cache-dir", __file__]),
    (["compile", "--cache-dir", ""], ["--cache-dir"]),
    (["bench", "--from", ""], ["--from"]),
    (["grade", "05", "x.py", "--timeout", "inf"], ["--timeout"]),
    (["grade", "05", "x.py", "--timeout", "nan"], ["--timeout"]),
    (["grade", "05", "x.py", "--test-timeout", "1e400"], ["--test-timeout"]),
]


@pytest.mark.parametrize("argv, names", BAD_VALUES, ids=[argv_id(argv) for argv, _ in BAD_VALUES])
def test_a_bad_value_ends_in_one_line_naming_it(argv, names, capsys):
    refused(argv, capsys, *names)


# --- a flag that would be ignored is refused ---------------------------------------------


IGNORED = [
    (["ladder", "--max-num-batched-tokens", "4096"], ["--max-num-batched-tokens", "--max-num-seqs"]),
    (["ladder", "--max-num-seqs", "256", "--max", "64"], ["--max", "--max-num-seqs"]),
    (["ladder", "--max-num-seqs", "8", "--compute-capability", "10.0"], ["--compute-capability", "0.33.0"]),
    (["dispatch", "--tokens", "3", "--compute-capability", "10.0"], ["--compute-capability", "0.33.0"]),
    (["capture-log", "--compute-capability", "10.0"], ["--compute-capability", "0.33.0"]),
    (["compile", "--repeats", "2"], ["--repeats", "--measure"]),
    (["compile", "--measure", "--compiler", "inductor"], ["--compiler", "--measure"]),
    *[(["bench", "--from", TWIN, *flag], [flag[0], "--from"]) for flag in
      (["--out", "x.json"], ["--steps", "5"], ["--repeats", "3"], ["--batch-sizes", "1", "2"],
       ["--arms", "eager", "graphs"])],
]


@pytest.mark.parametrize("argv, names", IGNORED, ids=[argv_id(argv) for argv, _ in IGNORED])
def test_a_flag_that_would_be_ignored_is_refused(argv, names, capsys):
    refused(argv, capsys, *names)


# --- bench --from: every unreadable file is one line naming the file (and the key) ---------


def good() -> dict:
    return json.loads(Path(TWIN).read_text())


def write(tmp_path: Path, data: object) -> str:
    path = tmp_path / "results.json"
    path.write_text(data if isinstance(data, str) else json.dumps(data))
    return str(path)


def test_bench_from_a_missing_file(tmp_path, capsys):
    missing = str(tmp_path / "nope.json")
    refused(["bench", "--from", missing], capsys, missing)


@pytest.mark.parametrize("text", ["{not json", "", "[1, 2]", '"runs"', "\udcff"])
def test_bench_from_a_malformed_file(tmp_path, text, capsys):
    path = tmp_path / "results.json"
    path.write_bytes(text.encode("utf-8", "surrogateescape"))
    refused(["bench", "--from", str(path)], capsys, str(path))


def mutate(key_path: list, value: object):
    def apply(data: dict) -> dict:
        target = data
        for key in key_path[:-1]:
            target = target[key]
        if value is KeyError:
            del target[key_path[-1]]
        else:
            target[key_path[-1]] = value
        return data
    return apply


@pytest.mark.parametrize("change, key", [
    (mutate(["schema"], "something/else/1"), "schema"),
    (mutate(["runs"], "abc"), "runs"),
    (mutate(["runs"], []), "runs"),
    (mutate(["runs", 0], 5), "runs[0]"),
    (mutate(["runs", 0, "batch"], KeyError), "batch"),
    (mutate(["runs", 0, "batch"], "1"), "batch"),
    (mutate(["runs", 0, "arm"], None), "arm"),
    (mutate(["runs", 0, "tokens_per_s"], "fast"), "tokens_per_s"),
    (mutate(["runs", 0, "tokens_per_s"], [1.0, -2.0]), "tokens_per_s"),
    (mutate(["constants", "launch_us"], "1_0"), "launch_us"),
    (mutate(["constants", "weight_bytes"], KeyError), "weight_bytes"),
    (mutate(["constants", "hbm_floor_us"], 0), "hbm_floor_us"),
    (mutate(["per_batch", "1", "gpu_us"], True), "gpu_us"),
    (mutate(["per_batch", "1", "kernels_per_step"], 1.5), "kernels_per_step"),
    (mutate(["per_batch", "1"], KeyError), "per_batch"),
    (mutate(["device"], 7), "device"),
    (mutate(["capture", "gib"], "lots"), "gib"),
    (mutate(["capture", "seconds"], KeyError), "seconds"),
    (mutate(["capture", "passes"], [51, 35]), "passes"),
    (mutate(["reported_l4_tokens_per_s"], "fast"), "reported_l4_tokens_per_s"),
    (mutate(["reported_l4_tokens_per_s"], {"x1": {"eager": 1.0, "compile+graphs": 2.0}}),
     "reported_l4_tokens_per_s"),
], ids=["schema", "runs-str", "runs-empty", "run-int", "no-batch", "batch-str", "arm-null",
        "tps-str", "tps-negative", "launch_us", "weight_bytes-missing", "hbm-floor-zero", "gpu_us",
        "kernels", "per-batch-missing", "device", "capture-gib", "capture-seconds-missing",
        "capture-passes-list", "reported-str", "reported-key"])
def test_bench_from_a_wrong_schema_file_names_the_key_and_the_file(tmp_path, change, key, capsys):
    data = good()
    data.setdefault("capture", {"gib": 1.0, "seconds": 2.0, "passes": {"decode, FULL": 51}})
    data.setdefault("reported_l4_tokens_per_s", {"1": {"eager": 100.0, "compile+graphs": 300.0}})
    path = write(tmp_path, change(data))
    refused(["bench", "--from", path], capsys, key, path)


# --- missing extras, and files to write ---------------------------------------------------


def test_a_chart_without_matplotlib_names_the_extra(monkeypatch, tmp_path, capsys):
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib now fails, as if absent
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    refused(["ladder-chart", "--out", str(tmp_path / "x.png")], capsys, "matplotlib", "pip install -e '.[plot]'")


@pytest.mark.parametrize("argv, extra", [
    (["compile"], "compile"), (["compile", "--measure"], "compile"), (["bench"], "gpu"),
], ids=["compile", "compile --measure", "bench"])
def test_a_command_without_torch_names_the_extra(monkeypatch, argv, extra, capsys):
    for name in [m for m in sys.modules if m == "torch" or m.startswith("torch.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "torch", None)  # import torch now fails, as if absent
    refused(argv, capsys, "torch", f"'.[{extra}]'")


def test_bench_without_a_gpu_points_at_from(monkeypatch, capsys):
    torch = types.ModuleType("torch")
    torch.__spec__ = importlib.machinery.ModuleSpec("torch", None)
    torch.cuda = types.SimpleNamespace(is_available=lambda: False)
    monkeypatch.setitem(sys.modules, "torch", torch)  # a torch with no GPU, without importing one
    refused(["bench"], capsys, "CUDA GPU", "--from")


@pytest.mark.parametrize("argv", [
    ["ladder-chart", "--out", "{missing}/x.png"],
    ["crossover-chart", "--out", "{missing}/x.png"],
    ["bench", "--from", TWIN, "--plot", "{missing}/x.png"],
    ["bench", "--out", "{missing}/x.json"],
    ["grade", "05", "x.py", "--out", "{missing}/grades.json"],
], ids=["ladder-chart", "crossover-chart", "bench --plot", "bench --out", "grade --out"])
def test_an_output_folder_that_does_not_exist_is_named_before_the_run(argv, tmp_path, capsys):
    missing = str(tmp_path / "no" / "such")
    refused([a.replace("{missing}", missing) for a in argv], capsys, missing)


@pytest.mark.parametrize("command", ["crossover-chart", "ladder-chart"])
def test_an_output_that_is_a_folder_or_nothing_is_refused(command, tmp_path, capsys):
    refused([command, "--out", str(tmp_path)], capsys, "--out", str(tmp_path))
    refused([command, "--out", ""], capsys, "--out")


@pytest.mark.plot
@pytest.mark.parametrize("command", ["crossover-chart", "ladder-chart"])
def test_a_suffix_matplotlib_cannot_write_is_refused(command, tmp_path, capsys):
    pytest.importorskip("matplotlib")
    refused([command, "--out", str(tmp_path / "x.txt")], capsys, "--out", ".txt")
    assert not list(tmp_path.iterdir())


@pytest.mark.plot
@pytest.mark.parametrize("argv", [["crossover-chart", "--out"], ["ladder-chart", "--out"],
                                  ["bench", "--from", TWIN, "--plot"]],
                         ids=["crossover-chart", "ladder-chart", "bench --plot"])
@pytest.mark.parametrize("name", ["x", "x."])
def test_a_chart_reports_the_path_it_actually_wrote(argv, name, tmp_path, capsys):
    pytest.importorskip("matplotlib")
    code, out, err = run([*argv, str(tmp_path / name)], capsys)
    assert code == 0, err
    written = [p.name for p in tmp_path.iterdir()]
    assert written == ["x.png"], written
    assert f"wrote {tmp_path / 'x.png'}" in out, f"say the path written (x.png): {out[-300:]!r}"
