"""`mini-vllm explain-log` and `mini-vllm tune`: a real deployment's log, read back in the
course's terms, and the ladder its traffic wants.
"""

from __future__ import annotations

from collections.abc import Iterable

from mini_vllm.deployment.check import Finding, check_facts, rules_version
from mini_vllm.deployment.evidence import read_evidence
from mini_vllm.deployment.facts import LogFacts
from mini_vllm.deployment.log_reader import read
from mini_vllm.deployment.tune import Recommendation, tune
from mini_vllm.presentation import Shown

#: What a complete start-up log with graphs states; a log that lacks one of these is truncated
#: (or from a deployment that never got there), and the report names what is missing.
_EXPECTED = {"vllm_version": "the engine config line ('Initializing a V1 LLM engine ...')",
             "cudagraph_mode": "the engine config line's compilation_config",
             "capture_seconds": "'Graph capturing finished in N secs, took X GiB'"}

SCHEMA = "mini-vllm/explain-log/1"


def _ladder(sizes: list[int] | None) -> str:
    if sizes is None:
        return "not in the log"
    if not sizes:
        return "empty (no graphs)"
    return f"{len(sizes)} rungs, top {sizes[-1]}: {sizes}"


def _missing(facts: LogFacts) -> list[str]:
    """What this process's part of the log should have said and did not."""
    missing = [what for name, what in _EXPECTED.items() if getattr(facts, name) is None]
    if facts.cudagraph_mode == "NONE" or facts.enforce_eager:
        missing = [m for m in missing if "Graph capturing" not in m]
    missing += [f"the end of the capture pass ({p.label}): {p.done}/{p.total}" for p in facts.passes if not p.finished]
    return missing


def _process_lines(name: str, facts: LogFacts) -> list[str]:
    lines = [f"[{name}]"]
    said = [
        ("vLLM version", facts.vllm_version),
        ("model runner", None if facts.vllm_version is None and facts.runner == "v1" else facts.runner.upper()),
        ("enforce_eager", facts.enforce_eager),
        ("compilation mode", facts.compilation_mode),
        ("cudagraph_mode", facts.cudagraph_mode if facts.requested_cudagraph_mode is None else
         f"{facts.cudagraph_mode} (requested {facts.requested_cudagraph_mode})"),
        ("max_num_batched_tokens", facts.max_num_batched_tokens),
        ("max_cudagraph_capture_size", facts.max_capture_size),
    ]
    lines += [f"  {label}: {value}" for label, value in said if value is not None]
    if facts.capture_sizes is not None:
        lines.append(f"  ladder: {_ladder(facts.capture_sizes)}")
    for p in facts.passes:
        state = "finished" if p.finished else "NOT finished"
        lines.append(f"  capture pass ({p.label}): {p.done}/{p.total} graphs, {state}")
    if facts.passes:
        lines.append(f"  graphs captured: {facts.graphs_captured}")
    if facts.capture_seconds is not None:
        lines.append(f"  capture: {facts.capture_seconds:g} s, {facts.capture_gib:g} GiB of graph memory")
    if facts.compile_seconds is not None:
        lines.append(f"  torch.compile: {facts.compile_seconds:g} s in total")
    if facts.compile_cache is not None:
        lines.append(f"  compile cache: {facts.compile_cache}")
    lines += [f"  warning: {w}" for w in facts.warnings]
    return lines


def _finding_line(f: Finding) -> str:
    verdict = "agrees" if f.agrees else "DIFFERS"
    return f"  {f.fact}: {verdict} ({f.rules} rules): {f.why}"


def show_explain(lines: Iterable[str], max_num_seqs: int | None = None) -> Shown:
    """Read a log; one block per process that said something about graphs, then the checks."""
    per_process = {name: facts for name, facts in read(lines, per_process=True).facts.items()
                   if facts != LogFacts()}
    if not per_process:
        raise ValueError("no vLLM log line found: expected lines such as "
                         "'INFO 12-07 02:38:33 [gpu_model_runner.py:6456] Graph capturing finished ...'")
    text, data = [], {"schema": SCHEMA, "processes": []}
    for name, facts in per_process.items():
        findings = check_facts(facts, max_num_seqs)
        missing = _missing(facts) if (facts.passes or facts.vllm_version) else []
        text += _process_lines(name, facts)
        if facts.vllm_version and rules_version(facts.vllm_version) != facts.vllm_version:
            text.append(f"  note: vLLM {facts.vllm_version} is not mirrored by the course; its lines were "
                        f"read as far as they go, and the checks use {rules_version(facts.vllm_version)}'s rules")
        text += [_finding_line(f) for f in findings]
        text += [f"  missing: {m}" for m in missing]
        data["processes"].append({"process": name, "facts": facts.as_dict(), "missing": missing,
                                  "checks": [vars(f) for f in findings]})
    return Shown("\n".join(text), data)


def show_tune(lines: Iterable[str], current: list[int] | None = None, num_rungs: int | None = None) -> Shown:
    rec: Recommendation = tune(read_evidence(lines), current, num_rungs)
    today = "measured by vLLM" if rec.padded_today_measured else "computed on the current ladder"
    saved = rec.padded_today - rec.padded_recommended
    text = [
        f"evidence: {rec.source}, {rec.steps} steps, {rec.graph_steps} of them shaped by the ladder",
        f"current ladder:     {_ladder(rec.current)}",
        f"recommended ladder: {_ladder(rec.recommended)}",
        f"padded tokens: {rec.padded_today} today ({today}) -> {rec.padded_recommended} recommended "
        f"({saved:+d} saved)" if saved >= 0 else
        f"padded tokens: {rec.padded_today} today ({today}) -> {rec.padded_recommended} recommended",
        f"graphs to capture per pass: {len(rec.recommended)} (today {len(rec.current)})",
        f"flag (vLLM 0.22.1 and 0.33.0): {rec.flag}",
    ]
    text += [f"advice: {a}" for a in rec.advice] + [f"note: {n}" for n in rec.notes]
    data = {**vars(rec), "flag": rec.flag}
    return Shown("\n".join(text), data)
