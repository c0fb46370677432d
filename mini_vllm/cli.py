"""The `mini-vllm` command: each subcommand makes one idea of the phase visible in a terminal.

This file only parses. Every subcommand is a pair: `_add_<name>(subparsers)` declares its flags
and `_run_<name>(args)` calls one function of `mini_vllm.presentation`, which returns the text
and the data (`--json`) to print. `main` turns bad input into one line on stderr and exit
status 2, a missing extra into the command that installs it, and a closed pipe into silence.
Adding a subcommand is one more pair and one entry in COMMANDS.
"""

from __future__ import annotations

import argparse
import importlib.util
import io
import json
import math
import os
import re
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from mini_vllm.arguments import (  # shared with the module command lines
    MAX_BENCH_BATCH,
    MAX_BENCH_REPEATS,
    MAX_COMPILE_HIDDEN,
    MAX_COMPILE_LAYERS,
    Parser,
)
from mini_vllm.arguments import chart_file as _chart_file
from mini_vllm.arguments import folder as _folder
from mini_vllm.arguments import int_in as _int_in
from mini_vllm.arguments import named_path as _named_path
from mini_vllm.arguments import output_file as _output_file
from mini_vllm.bench_results import TWIN_ARMS
from mini_vllm.checks import MAX_CAPTURE_SIZE
from mini_vllm.model_shapes import SHAPE_CONFIGS
from mini_vllm.presentation import Shown
from mini_vllm.vllm_versions import CUDAGRAPH_MODE_NAMES, RUNNERS, SUPPORTED_VLLM_VERSIONS

# Which extra brings a module a subcommand may need, for the one-line "install it" error.
EXTRAS = {"matplotlib": "plot", "torch": "gpu"}
TORCH_EXTRA = {"compile": "compile"}  # lab-06 needs torch but no GPU: the `compile` extra

# Upper bounds, refused at parsing (before anything is allocated or measured) and stated in
# --help: past them a run can only exhaust memory or take hours. Each is far above real use.
MAX_LAYERS = 128          # simulate: the deepest open models have ~126 decoder layers
MAX_SIM_STEPS = 10_000    # simulate: a few minutes at MAX_LAYERS on one CPU core
MAX_SIM_BATCH = 4096      # simulate: every captured rung keeps its buffers, per piece
MAX_CHART_CALLS = 1000    # crossover-chart: one x tick per call
MAX_CHART_LADDER = 65536  # ladder-chart: the chart draws every batch 1..max on three ladders
MAX_BENCH_STEPS = 256     # bench: the twin's max_seq_len (one cache slot per step)
MAX_COMPILE_REPEATS = 20  # compile --measure: each repeat starts three fresh processes
MAX_GRADE_JOBS = 256      # grade: one pytest process per job
MAX_TUNE_RUNGS = 1024     # tune: each rung is one more graph captured per pass


_positive_int = _int_in(1)


def _mode_name(text: str) -> str:
    """A mode name in any case, ASCII only: 'pıecewıse'.upper() would be 'PIECEWISE'."""
    if not text.isascii():
        raise argparse.ArgumentTypeError(f"must be a mode name in ASCII letters, got {text!r}")
    return text.upper()


CHART_OUT_HELP = "the image file to write (no suffix: .png is added, and the path printed)"


def _need(module: str) -> None:
    """Fail now, naming the extra to install, when a module the run imports later is absent."""
    if importlib.util.find_spec(module) is None:
        raise ModuleNotFoundError(f"No module named {module!r}", name=module)


def _check_chart_format(path: Path, flag: str) -> None:
    """Refuse, naming the flag, a suffix matplotlib cannot write (it is installed by now)."""
    from matplotlib.backend_bases import FigureCanvasBase

    formats = FigureCanvasBase.get_supported_filetypes()
    if path.suffix[1:].lower() not in formats:
        raise ValueError(f"{flag} {path}: matplotlib cannot write {path.suffix!r} files; "
                         f"end the name in one of {', '.join('.' + f for f in sorted(formats))}")


_MODE_NAMES = list(CUDAGRAPH_MODE_NAMES)


def _capability_arg(text: str) -> tuple[int, int]:
    major, dot, minor = text.partition(".")
    if not (re.fullmatch("[0-9]{1,4}", major) and dot and re.fullmatch("[0-9]{1,4}", minor)):
        raise argparse.ArgumentTypeError(f"must read MAJOR.MINOR, e.g. 9.0 or 10.0, got {text!r}")
    return int(major), int(minor)


def _add_json(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true", help="print the result as JSON instead of text")


# --- simulate: eager vs FULL vs PIECEWISE on a toy decode loop --------------------------------


def _add_simulate(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("simulate", help="a toy decode loop, eager vs captured: launches per step")
    p.add_argument("--layers", type=_int_in(1, MAX_LAYERS), default=4,
                   help=f"decoder layers, 10 ops each (at most {MAX_LAYERS})")
    p.add_argument("--steps", type=_int_in(1, MAX_SIM_STEPS), default=32,
                   help=f"decode steps to run (at most {MAX_SIM_STEPS})")
    p.add_argument("--max-batch", type=_int_in(1, MAX_SIM_BATCH), default=8,
                   help=f"batches drawn from 1..max (at most {MAX_SIM_BATCH})")
    p.add_argument("--sizes", type=_int_in(1, MAX_SIM_BATCH), nargs="+", default=[1, 2, 4, 8],
                   help=f"capture sizes (the ladder, in any order, each at most {MAX_SIM_BATCH}); "
                        "batches pad up to the next one")
    p.add_argument("--seed", type=_int_in(0), default=0, help="seed of the batch sizes and inputs (>= 0)")
    _add_json(p)
    p.set_defaults(run=_run_simulate)


def _run_simulate(args: argparse.Namespace) -> Shown:
    from mini_vllm.presentation.simulate import show_simulation

    return show_simulation(args.layers, args.steps, args.max_batch, args.sizes, args.seed)


# --- crossover: when a graph pays back its capture, as a table and a chart ---------------------


def _add_crossover(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("crossover", help="the first call at which a graph has used fewer launches")
    p.add_argument("--num-ops", type=_positive_int, nargs="+", default=[1, 4, 32, 300],
                   help="ops (kernel launches) per eager call")
    p.add_argument("--capture", type=_positive_int, nargs="+", default=[1, 5],
                   help="capture cost as a multiple of one eager pass")
    _add_json(p)
    p.set_defaults(run=_run_crossover)


def _run_crossover(args: argparse.Namespace) -> Shown:
    from mini_vllm.presentation.crossover import show_crossover

    return show_crossover(args.num_ops, args.capture)


def _add_crossover_chart(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("crossover-chart", help="plot launches per call vs k, crossovers marked (PNG)")
    p.add_argument("--out", type=_chart_file, required=True, help=CHART_OUT_HELP)
    p.add_argument("--num-ops", type=_positive_int, nargs="+", default=[3, 30, 300],
                   help="ops per eager call, one curve pair each")
    p.add_argument("--capture", type=_positive_int, default=3,
                   help="capture cost as a multiple of one eager pass")
    p.add_argument("--max-calls", type=_int_in(2, MAX_CHART_CALLS), default=12,
                   help=f"calls on the x axis (at least 2, at most {MAX_CHART_CALLS})")
    p.set_defaults(run=_run_crossover_chart)


def _run_crossover_chart(args: argparse.Namespace) -> Shown:
    from mini_vllm.presentation.crossover import draw_crossover_chart

    _check_chart_format(args.out, "--out")
    return draw_crossover_chart(args.out, args.num_ops, args.capture, args.max_calls)


# --- ladder: which rung a batch replays at, and what the padding costs ------------------------


def _add_version_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--vllm-version", choices=SUPPORTED_VLLM_VERSIONS, default="0.22.1",
                   help="whose ladder rules: 0.22.1 (the course's) or 0.33.0 (today's release)")
    p.add_argument("--compute-capability", type=_capability_arg, metavar="MAJOR.MINOR",
                   help="the GPU's, e.g. 10.0 (0.33.0 captures up to 1024 on 10.x)")


def _add_ladder(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("ladder", help="the capture-size ladder: which graph a batch replays, and its padding")
    p.add_argument("--max", type=_int_in(1, MAX_CAPTURE_SIZE), default=512,
                   help="capture max (max_cudagraph_capture_size); the ladder is default_capture_sizes(max) "
                        f"(at most {MAX_CAPTURE_SIZE})")
    p.add_argument("--batch", type=_positive_int, help="a batch size to look up on the ladder")
    p.add_argument("--max-num-seqs", type=_positive_int,
                   help="derive the ladder from a deployment instead of --max")
    p.add_argument("--max-num-batched-tokens", type=_positive_int, default=8192,
                   help="the deployment's token budget per step (needs --max-num-seqs)")
    _add_version_args(p)
    _add_json(p)
    p.set_defaults(run=_run_ladder, conflicts=[("--max", "--max-num-seqs")],
                   needs=[("--max-num-batched-tokens", "--max-num-seqs"),
                          ("--compute-capability", "--max-num-seqs")])


def _run_ladder(args: argparse.Namespace) -> Shown:
    from mini_vllm.presentation.ladder import show_ladder

    return show_ladder(args.max, args.batch, args.max_num_seqs, args.max_num_batched_tokens,
                       args.vllm_version, args.compute_capability)


def _add_ladder_chart(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("ladder-chart", help="plot padding waste vs batch size for three ladders (PNG)")
    p.add_argument("--out", type=_chart_file, required=True, help=CHART_OUT_HELP)
    p.add_argument("--max", type=_int_in(1, MAX_CHART_LADDER), default=512,
                   help=f"capture max of every ladder (at most {MAX_CHART_LADDER})")
    p.set_defaults(run=_run_ladder_chart)


def _run_ladder_chart(args: argparse.Namespace) -> Shown:
    from mini_vllm.presentation.ladder import draw_ladder_chart

    _check_chart_format(args.out, "--out")
    return draw_ladder_chart(args.out, args.max)


# --- modes, dispatch, capture-log: the CUDAGraphMode policy, per batch and at start-up ---------


def _add_deployment_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--mode", type=_mode_name, choices=_MODE_NAMES, default="FULL_AND_PIECEWISE",
                   help="cudagraph_mode, by name in any case (the default is 0.22.1's at O2)")
    p.add_argument("--max-num-seqs", type=_positive_int, default=256,
                   help="max_num_seqs (256: 0.22.1's offline LLM default below 70 GiB and on any A100, "
                        "e.g. an L4 or an A100-80GB; vllm/engine/arg_utils.py:2311)")
    p.add_argument("--max-num-batched-tokens", type=_positive_int, default=8192,
                   help="max_num_batched_tokens (8192 is the offline LLM default on an L4)")
    _add_version_args(p)
    _add_json(p)


def _add_modes(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("modes", help="the routing table: what runs decode and mixed batches per mode")
    _add_json(p)
    p.set_defaults(run=_run_modes)


def _run_modes(args: argparse.Namespace) -> Shown:
    from mini_vllm.presentation.modes import show_modes

    return show_modes()


def _add_dispatch(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("dispatch", help="the runtime mode and padded BatchDescriptor of one batch")
    p.add_argument("--tokens", type=_positive_int, required=True, help="tokens in the batch")
    p.add_argument("--uniform", action="store_true", help="a uniform decode batch (1 token per request)")
    p.add_argument("--invalid", type=_mode_name, nargs="+", default=[], choices=["NONE", "PIECEWISE", "FULL"],
                   help="runtime modes this batch may not use (FULL for cascade attention)")
    _add_deployment_args(p)
    p.set_defaults(run=_run_dispatch)


def _run_dispatch(args: argparse.Namespace) -> Shown:
    from mini_vllm.presentation.modes import show_dispatch

    return show_dispatch(args.mode, args.tokens, args.uniform, args.invalid, args.max_num_seqs,
                         args.max_num_batched_tokens, args.vllm_version, args.compute_capability)


def _add_capture_log(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("capture-log", help="the capture passes vLLM prints at start-up, per mode")
    _add_deployment_args(p)
    p.add_argument("--runner", choices=RUNNERS, default="v1",
                   help="the model runner's wording: v1, or v2 (Model Runner V2, 0.33.0's default)")
    p.set_defaults(run=_run_capture_log)


def _run_capture_log(args: argparse.Namespace) -> Shown:
    from mini_vllm.presentation.modes import show_capture_log

    return show_capture_log(args.mode, args.max_num_seqs, args.max_num_batched_tokens, args.runner,
                            args.vllm_version, args.compute_capability)


# --- bench: lab-04's twin on a GPU (or the report of a saved run, on any machine) -------------

def _add_bench(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("bench", help="lab-04's twin on a CUDA GPU: eager vs graphs vs compile, measured")
    p.add_argument("--batch-sizes", type=_int_in(1, MAX_BENCH_BATCH), nargs="+", default=[1, 8, 64, 256],
                   help=f"batch sizes to decode at (each at most {MAX_BENCH_BATCH})")
    p.add_argument("--steps", type=_int_in(1, MAX_BENCH_STEPS), default=128,
                   help=f"decode steps per timed repeat (at most {MAX_BENCH_STEPS})")
    p.add_argument("--repeats", type=_int_in(1, MAX_BENCH_REPEATS), default=5,
                   help=f"interleaved repeats per arm and batch (at most {MAX_BENCH_REPEATS})")
    p.add_argument("--arms", nargs="+", choices=TWIN_ARMS, default=list(TWIN_ARMS),
                   help="arms to run (eager is the baseline and always needed)")
    p.add_argument("--shape", choices=list(SHAPE_CONFIGS), default="opt-125m",
                   help="the decoder's shape, from its committed config.json (dummy weights)")
    p.add_argument("--out", type=_output_file, help="write the result JSON here")
    p.add_argument("--plot", type=_chart_file, help=f"write the speedup plot here ({CHART_OUT_HELP})")
    p.add_argument("--from", dest="from_json", metavar="JSON", type=_named_path,
                   help="report a saved result file instead of measuring (no GPU needed)")
    p.set_defaults(run=_run_bench,
                   conflicts=[("--from", "--batch-sizes", "--steps", "--repeats", "--arms", "--shape", "--out")])


def _run_bench(args: argparse.Namespace) -> Shown:
    from mini_vllm.presentation.bench import show_bench

    if not args.from_json:
        _need("torch")
        import torch

        if not torch.cuda.is_available():
            raise ValueError("measuring needs a CUDA GPU and torch sees none; "
                             "--from FILE reports a saved run on any machine")
    if args.plot:
        _check_chart_format(args.plot, "--plot")
    return show_bench(args.from_json, args.batch_sizes, args.steps, args.repeats, args.arms,
                      args.out, args.plot, args.shape)


# --- predict: lab-04's predictor for a model and card the twin never ran ---------------------

PREDICT_CARDS = ("h100", "h200")


def _add_predict(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("predict", help="lab-04: predicted graph speed-up of a model (config.json) on a card")
    p.add_argument("model", type=_named_path,
                   help="a Hugging Face config.json, or a committed shape: opt-125m, opt-350m, opt-1.3b")
    p.add_argument("--card", choices=PREDICT_CARDS, default="h100",
                   help="whose committed twin run lends the host and GPU constants and the bandwidth")
    p.add_argument("--bandwidth", type=_positive_float, metavar="GB_PER_S",
                   help="the card's memory bandwidth in GB/s, instead of the twin run's measured one")
    p.add_argument("--twin", type=_named_path, metavar="TWIN_JSON",
                   help="your own OPT-125m twin run (`mini-vllm bench --out`), made on this machine today, "
                        "instead of the card's committed one: the host's launch cost drifts between sessions")
    p.add_argument("--batch-sizes", type=_int_in(1, MAX_BENCH_BATCH), nargs="+", default=[1, 8, 64, 256],
                   help=f"batch sizes to predict (each at most {MAX_BENCH_BATCH})")
    _add_json(p)
    p.set_defaults(run=_run_predict)


def _run_predict(args: argparse.Namespace) -> Shown:
    from mini_vllm.presentation.predict import show_predict

    return show_predict(args.model, args.card, args.batch_sizes, args.bandwidth, args.twin)


# --- compile: lab-06's piecewise torch.compile backend on the CPU (needs torch) ---------------


def _add_compile(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("compile", help="lab-06: piecewise torch.compile of a tiny decoder on the CPU (needs torch)")
    p.add_argument("--layers", type=_int_in(1, MAX_COMPILE_LAYERS), default=2,
                   help=f"decoder layers, one attention call each (at most {MAX_COMPILE_LAYERS})")
    p.add_argument("--hidden", type=_int_in(4, MAX_COMPILE_HIDDEN), default=32,
                   help=f"hidden size (a multiple of 4, at most {MAX_COMPILE_HIDDEN})")
    p.add_argument("--compiler", choices=("eager", "aot_eager", "inductor"), default="eager",
                   help="how each piece is compiled")
    p.add_argument("--cache-dir", type=_folder, help="keep compiled pieces here; run twice to see the hits")
    p.add_argument("--steps", type=_positive_int, default=100, help="steps for the launch accounting")
    p.add_argument("--measure", action="store_true",
                   help="instead: time cold vs warm process starts with Inductor (fresh processes)")
    p.add_argument("--repeats", type=_int_in(1, MAX_COMPILE_REPEATS), default=3,
                   help=f"with --measure: repeats (at most {MAX_COMPILE_REPEATS})")
    p.set_defaults(run=_run_compile, conflicts=[("--measure", "--compiler", "--cache-dir", "--steps")],
                   needs=[("--repeats", "--measure")])


def _run_compile(args: argparse.Namespace) -> Shown:
    if args.hidden % 4:
        raise ValueError(f"--hidden must be a multiple of 4 (the decoder's 4 heads), got {args.hidden}")
    _need("torch")  # --measure imports it only in the fresh processes it starts
    from mini_vllm.presentation.compile_report import show_compile, show_startup

    if args.measure:
        return show_startup(args.repeats, args.layers, args.hidden)
    return show_compile(args.layers, args.hidden, args.compiler, args.cache_dir, args.steps)


# --- grade: score submitted files against a lab's tests (instructors; see INSTRUCTORS.md) -------


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a finite number > 0, got {text!r}") from None
    if not (value > 0 and math.isfinite(value)):
        raise argparse.ArgumentTypeError(f"must be a finite number > 0, got {text}")
    return value


def _add_grade(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("grade", help="grade submitted files against a lab's tests (json, csv, gradescope, classroom)",
                       description="Grade each SUBMISSION in its own pytest process and score it from the "
                                   "results the harness recorded, never from an exit code (INSTRUCTORS.md).")
    p.add_argument("lab", metavar="LAB", help="a lab number (01-07) or folder name")
    p.add_argument("submissions", metavar="SUBMISSION", nargs="+", help="a .py file (one student) or a folder of them")
    p.add_argument("--out", type=_output_file,
                   help="write the result here; standard output then gets one line per submission")
    p.add_argument("--format", choices=("json", "csv", "gradescope", "classroom"), default="json",
                   help="json: everything; csv: a gradebook row per submission; gradescope / classroom: "
                        "what those platforms read, for one submission")
    p.add_argument("--jobs", type=_int_in(1, MAX_GRADE_JOBS), default=1,
                   help=f"submissions graded at once (at most {MAX_GRADE_JOBS})")
    p.add_argument("--timeout", type=_positive_float, default=300.0,
                   help="wall-clock limit (s) for one submission's whole grading")
    p.add_argument("--test-timeout", type=_positive_float,
                   help="one per-test limit (s) for every test (default: pyproject's, by marker)")
    p.add_argument("--max-points", type=_positive_float, help="the lab's maximum (default: lab_points, else 100)")
    p.add_argument("--zero-reference-imports", action="store_true",
                   help="score 0 a submission that imports the reference (it is always flagged)")
    p.set_defaults(run=_run_grade)


def _run_grade(args: argparse.Namespace) -> Shown:
    from mini_vllm.grading import formats, grader  # pytest is imported only when grading

    lab_dir = grader.resolve_lab(args.lab)
    submissions = grader.submissions_in(args.submissions)
    if args.format in ("gradescope", "classroom") and len(submissions) != 1:
        raise ValueError(f"--format {args.format} grades one submission, got {len(submissions)}")
    manifest, graded = grader.grade(lab_dir, submissions, jobs=args.jobs, timeout=args.timeout,
                                    max_points=args.max_points, test_timeout=args.test_timeout,
                                    zero_reference_imports=args.zero_reference_imports)
    text = formats.WRITERS[args.format](manifest, graded)
    summary = "\n".join(f"{s.score:6.1f} / {s.max_score:g}  {s.status:<10} {' '.join(s.flags):<24} {s.path}"
                        for s in graded)
    if args.out:
        with open(args.out, "w") as out:
            out.write(text)
        return Shown(summary, None)
    print(summary, file=sys.stderr)
    return Shown(text, None)


# --- explain-log and tune: a real deployment's log and traffic ----------------------------------

def _text_lines(path: str) -> Iterator[str]:
    """A log's lines, streamed from a file or stdin ("-"); binary or empty input is a ValueError.

    Decoded in the text layer's chunks, newline="" so tqdm's carriage returns reach the reader.
    """
    name = "stdin" if path == "-" else path
    raw = sys.stdin.buffer if path == "-" else open(path, "rb")  # noqa: SIM115 (closed below)
    stream = io.TextIOWrapper(raw, encoding="utf-8", newline="")
    empty = True
    try:
        for line in stream:
            empty = False
            if "\x00" in line:
                raise ValueError(f"{name} is not a text log: it holds NUL bytes")
            yield line
    except UnicodeDecodeError:
        raise ValueError(f"{name} is not a text log: it is not UTF-8") from None
    finally:
        stream.detach()
        if raw is not sys.stdin.buffer:
            raw.close()
    if empty:
        raise ValueError(f"{name} is empty: nothing to read")


def _add_explain_log(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("explain-log", help="read a vLLM start-up log: modes, ladder, capture passes, checked")
    p.add_argument("file", metavar="FILE", help="the log, or - for stdin (streamed: any size)")
    p.add_argument("--max-num-seqs", type=_positive_int,
                   help="the deployment's max_num_seqs, which vLLM does not log at INFO (it sets the decode pass)")
    _add_json(p)
    p.set_defaults(run=_run_explain_log)


def _run_explain_log(args: argparse.Namespace) -> Shown:
    from mini_vllm.presentation.deployment import show_explain

    return show_explain(_text_lines(args.file), args.max_num_seqs)


def _add_tune(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("tune", help="the capture ladder a deployment's traffic wants, from vLLM's own statistics")
    p.add_argument("file", metavar="FILE",
                   help="a log with --cudagraph-metrics tables, a Prometheus scrape, or a CSV of batch sizes; - for stdin")
    p.add_argument("--current-sizes", type=_int_in(1, MAX_CAPTURE_SIZE), nargs="+",
                   help="the deployment's ladder, where the evidence does not state it")
    p.add_argument("--rungs", type=_int_in(1, MAX_TUNE_RUNGS),
                   help="the rung budget (default: as many as the deployment captures today)")
    _add_json(p)
    p.set_defaults(run=_run_tune)


def _run_tune(args: argparse.Namespace) -> Shown:
    from mini_vllm.presentation.deployment import show_tune

    current = sorted(set(args.current_sizes)) if args.current_sizes else None
    return show_tune(_text_lines(args.file), current, args.rungs)
def _add_release(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("release", help="write the course as students get it for a graded class (no answers)",
                       description="Write the student release: no solutions, independent/ or chaffs/ files, "
                                   "no 'After the lab' sections, no answer modules (INSTRUCTORS.md).")
    p.add_argument("audience", choices=("student",), help="who the release is for")
    p.add_argument("outdir", metavar="OUTDIR", help="a folder that does not exist yet")
    p.set_defaults(run=_run_release)


def _run_release(args: argparse.Namespace) -> Shown:
    from mini_vllm.grading.release import release_student, uncommitted_files

    warnings = release_student(Path(args.outdir))
    if untracked := uncommitted_files():
        warnings.append(f"not committed, so not in the release (git add them first): {', '.join(untracked)}")
    return Shown("\n".join([f"student release written to {args.outdir}", *(f"warning: {w}" for w in warnings)]),
                 {"outdir": args.outdir, "warnings": warnings})


COMMANDS: tuple[Callable[[argparse._SubParsersAction], None], ...] = (
    _add_simulate, _add_crossover, _add_crossover_chart, _add_ladder, _add_ladder_chart,
    _add_modes, _add_dispatch, _add_capture_log, _add_bench, _add_predict, _add_compile, _add_grade,
    _add_release, _add_explain_log, _add_tune,
)


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="mini-vllm", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"mini-vllm {_version()}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for add in COMMANDS:
        add(sub)
    for subparser in sub.choices.values():  # each subcommand reports errors under its own name
        subparser.set_defaults(parser=subparser)
    return parser


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("mini-vllm")
    except PackageNotFoundError:
        return "(not installed)"


def _refuse(parser: argparse.ArgumentParser, args: argparse.Namespace, argv: Sequence[str]) -> None:
    """Refuse flags that contradict each other, instead of silently ignoring one of them."""
    given = {token.split("=", 1)[0] for token in argv if token.startswith("--")}
    for first, *others in getattr(args, "conflicts", ()):
        clash = [flag for flag in others if flag in given]
        if first in given and clash:
            parser.error(f"{first} cannot be combined with {', '.join(clash)}")
    for flag, needed in getattr(args, "needs", ()):
        if flag in given and needed not in given:
            parser.error(f"{flag} only applies with {needed}")
    if getattr(args, "compute_capability", None) is not None and args.vllm_version != "0.33.0":
        parser.error("--compute-capability only applies with --vllm-version 0.33.0 "
                     "(0.22.1's ladder is the same on every GPU)")


def main(argv: Sequence[str] | None = None) -> int:
    """Parse, run one subcommand, print its text (or its data with --json); return the status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    args = parser.parse_args(argv)
    sub = args.parser
    _refuse(sub, args, argv)
    try:
        shown = args.run(args)
        print(json.dumps(shown.data, indent=1) if getattr(args, "json", False) else shown.text)
        sys.stdout.flush()
    except BrokenPipeError:  # `mini-vllm ... | head` closed the pipe: stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except NotImplementedError as err:  # the student release runs the student's own lab code
        sub.exit(2, f"{sub.prog}: error: this command runs your lab code, not finished yet: {err}\n")
    except ModuleNotFoundError as err:
        module = (err.name or "").split(".")[0]
        if module == "mini_vllm":
            sub.exit(2, f"{sub.prog}: error: {err.name} is not in this tree: it holds what a lab asks you "
                        "to write, and the student release leaves it out\n")
        if module not in EXTRAS:
            raise
        extra = TORCH_EXTRA.get(args.command, EXTRAS[module]) if module == "torch" else EXTRAS[module]
        sub.exit(2, f"{sub.prog}: error: needs {module}, from the {extra} extra: "
                    f"pip install -e '.[{extra}]'\n")
    except (ValueError, TypeError, OSError) as err:
        message = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        sub.exit(2, f"{sub.prog}: error: {message}\n")
    return shown.status


if __name__ == "__main__":
    raise SystemExit(main())
