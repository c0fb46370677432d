"""Lab 07 spec: decode real vLLM 0.22.1 logs, and turn vLLM's own graph statistics into traffic.

Every expected fact below was read off the committed logs by eye (logs/README.md gives the
command that made each one); the statistics' oracles are vLLM's own columns, summed here with a
split on "|". Nothing is computed through the code under test. The implementation arrives
through the `lab` fixture.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from mini_vllm.deployment.facts import CapturePass, StatsRow
from mini_vllm.grading.messages import naming

LOGS = Path(__file__).resolve().parent / "logs"


def log(name: str) -> str:
    """A log as vLLM wrote it: newline="" keeps its carriage returns (text mode turns each into a line break)."""
    with open(LOGS / f"{name}.log", encoding="utf-8", newline="") as f:
        return f.read()


def stride_ladder(top: int) -> list[int]:
    """vLLM 0.22.1's default ladder up to `top`, as a filter (lab-05's rule)."""
    return [x for x in range(1, top + 1)
            if x in (1, 2, 4) or (x < 256 and x % 8 == 0) or (x >= 256 and x % 16 == 0)]


V1_BOTH = [CapturePass("mixed prefill-decode, PIECEWISE", "PIECEWISE", 51, 51),
           CapturePass("decode, FULL", "FULL", 51, 51)]
EOS = "Using None for EOS token id because tokenizer is not initialized"
JIT = ("Triton kernel JIT compilation during inference: _compute_slot_mapping_kernel. This causes a "
       "latency spike; consider extending warmup to cover this shape/config.")
INDUCTOR_OFF = ("Inductor compilation was disabled by user settings, optimizations settings that are "
                "only active during inductor compilation will be ignored.")
SKIPPING = ("Skipping CUDA graph capture. To turn on CUDA graph capture, ensure `cudagraph_mode` was "
            "not manually set to `NONE`")
EAGER = ("Enforce eager set, disabling torch.compile and CUDAGraphs. This is equivalent to setting "
         "-cc.mode=none -cc.cudagraph_mode=none")

# log: (version, enforce_eager, compilation mode, cudagraph_mode, ladder, max, token budget)
CONFIG = {
    "default": ("0.22.1", False, "VLLM_COMPILE", "FULL_AND_PIECEWISE", stride_ladder(512), 512, 16384),
    "enforce-eager": ("0.22.1", True, "NONE", "NONE", [], 0, 16384),
    "mode-piecewise": ("0.22.1", False, "VLLM_COMPILE", "PIECEWISE", stride_ladder(512), 512, 16384),
    "mode-full-decode-only": ("0.22.1", False, "VLLM_COMPILE", "FULL_DECODE_ONLY", stride_ladder(512), 512, 16384),
    "mode-full": ("0.22.1", False, "VLLM_COMPILE", "FULL", stride_ladder(512), 512, 16384),
    "mode-none": ("0.22.1", False, "VLLM_COMPILE", "NONE", [], 0, 16384),
    "compile-off-graphs-on": ("0.22.1", False, "NONE", "NONE", [], 0, 16384),
    "sizes-off-stride": ("0.22.1", False, "VLLM_COMPILE", "FULL_AND_PIECEWISE", [1, 3, 7, 13, 50, 137], 137, 16384),
    "max-num-seqs-24": ("0.22.1", False, "VLLM_COMPILE", "FULL_AND_PIECEWISE", stride_ladder(48), 48, 16384),
    "metrics-wide": ("0.22.1", False, "VLLM_COMPILE", "FULL_AND_PIECEWISE", stride_ladder(512), 512, 16384),
}

# log: (passes, capture seconds, capture GiB, compile seconds, compile cache)
CAPTURE = {
    "default": (V1_BOTH, 2.0, 0.21, 6.45, "miss"),
    "enforce-eager": ([], None, None, None, None),
    "mode-piecewise": ([CapturePass("mixed prefill-decode, PIECEWISE", "PIECEWISE", 51, 51)], 2.0, 0.14, 5.45, "miss"),
    "mode-full-decode-only": ([CapturePass("decode, FULL", "FULL", 51, 51)], 1.0, 0.13, 5.42, "miss"),
    "mode-full": ([CapturePass("mixed prefill-decode, FULL", "FULL", 51, 51)], 1.0, 0.13, 5.43, "miss"),
    "mode-none": ([], None, None, 5.84, "miss"),
    "sizes-off-stride": ([CapturePass("mixed prefill-decode, PIECEWISE", "PIECEWISE", 6, 6),
                          CapturePass("decode, FULL", "FULL", 6, 6)], 1.0, 0.06, 6.42, "miss"),
    "max-num-seqs-24": ([CapturePass("mixed prefill-decode, PIECEWISE", "PIECEWISE", 9, 9),
                         CapturePass("decode, FULL", "FULL", 6, 6)], 1.0, 0.07, 6.30, "miss"),
    "metrics-wide": (V1_BOTH, 2.0, 0.21, 1.24, "hit"),
}

WARNINGS = {
    "default": [EOS, JIT],
    "enforce-eager": [EAGER, INDUCTOR_OFF, EOS, JIT],
    "compile-off-graphs-on": [INDUCTOR_OFF, SKIPPING, EOS, JIT],
    "mode-none": [SKIPPING, EOS, JIT],
}

METRICS = ["metrics-chat", "metrics-wide", "metrics-wide-tuned"]


# --- §0 bad input -------------------------------------------------------------------------


@pytest.mark.parametrize("function", ["parse_log", "graph_stats", "graphs_held"])
@pytest.mark.parametrize("text", [b"INFO 12-07 02:38:23 [core.py:302] init engine", None, ["a", "log"]])
def test_text_must_be_a_str(lab, function, text):
    with pytest.raises(TypeError, match=naming("text")):
        getattr(lab, function)(text)


@pytest.mark.parametrize("rows", [None, "FULL", [(5, 8, "FULL", 1)], [StatsRow(5, 8, "FULL", 1), {"count": 1}]])
@pytest.mark.parametrize("function", ["graph_traffic", "padded_tokens"])
def test_rows_must_be_a_sequence_of_stats_rows(lab, function, rows):
    args = (rows,) if function == "graph_traffic" else (rows, [8])
    with pytest.raises(TypeError, match=naming("rows")):
        getattr(lab, function)(*args)


@pytest.mark.parametrize("ladder", [[], [0, 8], [8, 4], [4, 4, 8], [-8]])
def test_padded_tokens_refuses_a_bad_ladder(lab, ladder):
    with pytest.raises(ValueError, match=naming("ladder")):
        lab.padded_tokens([StatsRow(5, 8, "FULL", 1)], ladder)


@pytest.mark.parametrize("ladder", [None, 8, [1.5, 8], ["8"]])
def test_padded_tokens_refuses_a_ladder_of_the_wrong_type(lab, ladder):
    with pytest.raises((TypeError, ValueError), match=naming("ladder")):
        lab.padded_tokens([StatsRow(5, 8, "FULL", 1)], ladder)


# --- §2 the engine config line -------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(CONFIG))
def test_config_line_facts(lab, name):
    version, eager, compilation, mode, ladder, top, budget = CONFIG[name]
    facts = lab.parse_log(log(name))
    got = (facts.vllm_version, facts.enforce_eager, facts.compilation_mode, facts.cudagraph_mode,
           facts.capture_sizes, facts.max_capture_size, facts.max_num_batched_tokens)
    want = (version, eager, compilation, mode, ladder, top, budget)
    labels = ("vllm_version", "enforce_eager", "compilation_mode", "cudagraph_mode", "capture_sizes",
              "max_capture_size", "max_num_batched_tokens")
    wrong = [f"{k}: want {w!r}, got {g!r}" for k, w, g in zip(labels, want, got) if w != g]
    assert not wrong, f"{name}.log: " + "; ".join(wrong) + " (§2: the engine config line and the scheduler line)"


def test_an_empty_text_states_nothing(lab):
    facts = lab.parse_log("")
    assert (facts.vllm_version, facts.cudagraph_mode, facts.passes, facts.ready, facts.runner) == \
        (None, None, [], False, "v1"), f"an empty log states no fact; got {facts}"


# --- §3 runner, and the mode a guard changed ------------------------------------------------


@pytest.mark.parametrize(("name", "runner"), [("default", "v1"), ("mode-full", "v1"), ("v2-qwen3", "v2"),
                                              ("v2-forced-opt", "v2")])
def test_runner(lab, name, runner):
    got = lab.parse_log(log(name)).runner
    assert got == runner, f"{name}.log runs Model Runner {runner.upper()}, got runner={got!r} (§3)"


def test_runner_is_stated_before_any_capture(lab):
    text = log("v2-qwen3")
    got = lab.parse_log(text[:text.index("Capturing CUDA graphs")]).runner
    assert got == "v2", f"v2-qwen3.log names its runner before it captures anything; got runner={got!r} (§3)"


@pytest.mark.parametrize(("name", "requested"), [("compile-off-graphs-on", "FULL_AND_PIECEWISE"),
                                                 ("default", None), ("mode-none", None), ("enforce-eager", None)])
def test_requested_mode_only_when_a_guard_changed_it(lab, name, requested):
    got = lab.parse_log(log(name)).requested_cudagraph_mode
    assert got == requested, (
        f"{name}.log: requested_cudagraph_mode should be {requested!r}, got {got!r}. It is set only by "
        "the line that says vLLM overrode the mode (§3), not by the config line")


# --- §4 capture passes and the start-up summary --------------------------------------------


@pytest.mark.parametrize("name", sorted(CAPTURE))
def test_capture_passes(lab, name):
    want = CAPTURE[name][0]
    got = lab.parse_log(log(name)).passes
    assert list(got) == want, (
        f"{name}.log: want passes {want}, got {got}. One pass per bar; a redraw of the same bar "
        "(tqdm draws a finished bar once more when it closes) is the same pass (§4)")


@pytest.mark.parametrize("name", sorted(CAPTURE))
def test_capture_and_compile_summary(lab, name):
    _, seconds, gib, compile_s, cache = CAPTURE[name]
    facts = lab.parse_log(log(name))
    got = (facts.capture_seconds, facts.capture_gib, facts.compile_seconds, facts.compile_cache, facts.ready)
    assert got == (seconds, gib, compile_s, cache, True), (
        f"{name}.log: want capture {seconds} s / {gib} GiB, torch.compile {compile_s} s, cache {cache!r}, "
        f"ready True; got {got} (§4)")


def test_graphs_captured_sums_the_passes(lab):
    assert lab.parse_log(log("max-num-seqs-24")).graphs_captured == 15


def test_a_log_cut_mid_capture(lab):
    text = log("default")
    cut = text[:text.index("19/51") + len("19/51")]
    facts = lab.parse_log(cut)
    want = [V1_BOTH[0], CapturePass("decode, FULL", "FULL", 19, 51)]
    assert list(facts.passes) == want and not facts.passes[-1].finished, (
        f"a log cut at the FULL bar's 19/51 holds one finished pass and one at 19/51; got {facts.passes}")
    assert (facts.capture_seconds, facts.ready) == (None, False), (
        "a log cut before 'Graph capturing finished' states neither the capture time nor that start-up "
        f"completed; got capture_seconds={facts.capture_seconds}, ready={facts.ready}")


# --- §5 warnings, and lines that several processes share -------------------------------------


@pytest.mark.parametrize("name", sorted(WARNINGS))
def test_warnings_once_each_in_order(lab, name):
    got = lab.parse_log(log(name)).warnings
    assert list(got) == WARNINGS[name], (
        f"{name}.log: want each WARNING message once, in order of first appearance, without the "
        f"process prefix or the level, time and source: {WARNINGS[name]}; got {got} (§5). One of them "
        "starts in the middle of a line, after another process's progress bar")


def test_interleaved_processes_keep_their_own_bars(lab):
    text = ("(EngineCore pid=7) \rCapturing CUDA graphs (decode, FULL):   0%|   | 0/4 [00:00<?, ?it/s]"
            "\rCapturing CUDA graphs (decode, FULL):  50%|#  | 2/4 [00:00<00:00]\n"
            "\rProcessed prompts:   0%|   | 0/9 [00:00<?]"
            "(EngineCore pid=7) WARNING 12-07 02:38:23 [x.py:1] odd shape\n"
            "(EngineCore pid=7) \rCapturing CUDA graphs (decode, FULL): 100%|## | 4/4 [00:00<00:00]\n")
    facts = lab.parse_log(text)
    assert list(facts.passes) == [CapturePass("decode, FULL", "FULL", 4, 4)], (
        f"one FULL pass drawn over two lines, interrupted by the front end's bar: got {facts.passes}")
    assert list(facts.warnings) == ["odd shape"], f"the warning after the bar is the engine's: got {facts.warnings}"


@pytest.mark.parametrize("name", ["default", "max-num-seqs-24", "enforce-eager"])
def test_carriage_returns_read_as_line_breaks_give_the_same_facts(lab, name):
    raw = log(name)
    translated = raw.replace("\r\n", "\n").replace("\r", "\n")  # what open(path).read() returns
    assert lab.parse_log(translated) == lab.parse_log(raw), (
        f"{name}.log read in text mode (each carriage return a line break) must give the same facts as "
        "the raw text (§1)")


# --- §6 graph statistics ---------------------------------------------------------------------


def table_rows(text: str) -> dict[tuple[int, int, str], int]:
    """The oracle: every '| a | b | c | MODE | n |' row, split on '|', summed."""
    rows: dict[tuple[int, int, str], int] = {}
    for line in text.splitlines():
        cells = [c.strip() for c in line.split("|")]
        if len(cells) == 7 and cells[1].isdigit() and cells[4].isalpha():
            key = (int(cells[1]), int(cells[2]), cells[4])
            rows[key] = rows.get(key, 0) + int(cells[5])
    return rows


def settings_ladder(text: str) -> list[int]:
    line = next(x for x in text.splitlines() if "- Capture sizes: [" in x)
    return [int(s) for s in line.split("- Capture sizes: [", 1)[1].rstrip("] \n").split(",")]


@pytest.mark.parametrize("name", METRICS)
def test_graph_stats_sums_every_interval(lab, name):
    text = log(name)
    want = [StatsRow(u, p, m, n) for (u, p, m), n in sorted(table_rows(text).items())]
    got = lab.graph_stats(text)
    assert list(got) == want, (
        f"{name}.log: {len(want)} rows summing {sum(r.count for r in want)} steps, sorted by unpadded, "
        f"padded, mode; got {len(got)} rows summing {sum(r.count for r in got)} (§6)")


def test_graph_stats_of_a_log_without_tables_is_empty(lab):
    assert list(lab.graph_stats(log("default"))) == []


@pytest.mark.parametrize("name", METRICS)
def test_padded_tokens_on_the_deployments_own_ladder_is_what_vllm_measured(lab, name):
    text = log(name)
    measured = sum((p - u) * n for (u, p, m), n in table_rows(text).items() if m != "NONE")
    got = lab.padded_tokens(lab.graph_stats(text), settings_ladder(text))
    assert got == measured, (
        f"{name}.log: on the deployment's own ladder the padding must be vLLM's own, {measured} tokens "
        f"(Padded - Unpadded, times Count, over the steps that replayed a graph); got {got} (§6)")


ROWS = [StatsRow(3, 4, "FULL", 10), StatsRow(3, 3, "NONE", 7), StatsRow(6, 8, "PIECEWISE", 5),
        StatsRow(7, 8, "FULL", 2), StatsRow(600, 600, "NONE", 4), StatsRow(6, 8, "FULL", 1)]


def test_graph_traffic_counts_the_steps_that_replayed_a_graph(lab):
    got = lab.graph_traffic(ROWS)
    assert dict(got) == {3: 10, 6: 6, 7: 2}, (
        f"want {{3: 10, 6: 6, 7: 2}}: steps that ran eagerly (NONE) shape no rung, and two modes at "
        f"one token count add up; got {got} (§6)")


@pytest.mark.parametrize(("ladder", "want"), [([4, 8], 10 * 1 + 6 * 2 + 2 * 1), ([3, 6, 7], 0),
                                              ([8], 10 * 5 + 6 * 2 + 2 * 1), ([2, 5], 10 * 2),
                                              ([1], 0)])
def test_padded_tokens_on_another_ladder(lab, ladder, want):
    got = lab.padded_tokens(ROWS, ladder)
    assert got == want, (f"padded_tokens(ROWS, {ladder}) is {want}: each graph step pads to the smallest "
                         f"rung that holds it, a step above the top rung runs eagerly; got {got} (§6)")


# --- §7 transfer: graphs the engine holds ----------------------------------------------------


@pytest.mark.parametrize(("name", "held"), [("v2-qwen3", 102), ("built-0.33.0-v2-default", 102),
                                            ("max-num-seqs-24", 15), ("enforce-eager", 0), ("mode-none", 0),
                                            ("mode-full-decode-only", 51), ("ab-wide", 102)])
def test_graphs_held(lab, name, held):
    got = lab.graphs_held(log(name))
    assert got == held, f"{name}.log: the engine serves with {held} graphs per GPU worker, got {got} (§7)"


def test_rows_may_be_empty(lab):
    assert (dict(lab.graph_traffic([])), lab.padded_tokens([], [1, 2])) == ({}, 0)


def test_graphs_held_is_none_before_start_up_completes(lab):
    text = log("default")
    for cut in (text.index("19/51"), text.index("Graph capturing finished") + 60):
        got = lab.graphs_held(text[:cut])
        assert got is None, f"a log cut before the engine reports it is ready serves nothing yet; got {got} (§7)"
