"""`mini-vllm explain-log` and `mini-vllm tune`: a real deployment's log, read back in the
course's terms, and the ladder its traffic wants.
"""

from __future__ import annotations

import re
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


#: A warning that bears on graphs or compilation; the report lists only these (--json has all).
_GRAPH_WARNING = re.compile(r"(?i)cuda ?graph|cudagraph|compil|eager|captur|inductor|dynamo|padd")


def _fact_lines(facts: LogFacts) -> list[str]:
    said = [
        ("vLLM version", facts.vllm_version),
        ("model runner", facts.runner.upper() if facts.vllm_version else None),
        ("enforce_eager", facts.enforce_eager),
        ("compilation mode", facts.compilation_mode),
        ("cudagraph_mode", facts.cudagraph_mode if facts.requested_cudagraph_mode is None else
         f"{facts.cudagraph_mode} (requested {facts.requested_cudagraph_mode})"),
        ("max_num_batched_tokens", facts.max_num_batched_tokens),
        ("max_cudagraph_capture_size", facts.max_capture_size),
    ]
    lines = [f"  {label}: {value}" for label, value in said if value is not None]
    if facts.capture_sizes is not None:
        lines.append(f"  ladder: {_ladder(facts.capture_sizes)}")
    for p in facts.passes:
        lines.append(f"  capture pass ({p.label}): {p.done}/{p.total} graphs, "
                     f"{'finished' if p.finished else 'NOT finished'}")
    if facts.passes:
        lines.append(f"  graphs captured: {facts.graphs_captured}")
    if facts.capture_seconds is not None:
        lines.append(f"  capture: {facts.capture_seconds:g} s, {facts.capture_gib:g} GiB of graph memory")
    if facts.compile_seconds is not None:
        lines.append(f"  torch.compile: {facts.compile_seconds:g} s in total")
    if facts.compile_cache is not None:
        lines.append(f"  compile cache: {facts.compile_cache}"
                     f"{' (compiled artifacts loaded from disk)' if facts.compile_cache == 'hit' else ''}")
    lines += [f"  warning: {w}" for w in facts.warnings if _GRAPH_WARNING.search(w)]
    return lines


def _finding_line(f: Finding) -> str:
    verdict = "agrees" if f.agrees else "DIFFERS"
    return f"  {f.fact}: {verdict} ({f.rules} rules): {f.why}"


#: How the report names the fields a process stated.
_SAID = {"vllm_version": "the engine config line", "max_num_batched_tokens": "the token budget",
         "passes": "capture bars", "capture_seconds": "the capture summary",
         "requested_cudagraph_mode": "the mode override", "warnings": "warnings"}


def show_explain(lines: Iterable[str], max_num_seqs: int | None = None) -> Shown:
    """Read a log: the deployment's facts, which process said what, the checks, what is missing."""
    reader = read(lines)
    deployment = reader.facts
    if deployment == LogFacts():
        raise ValueError("no vLLM log line found: expected lines such as "
                         "'INFO 12-07 02:38:23 [gpu_model_runner.py:6456] Graph capturing finished ...'")
    findings = check_facts(deployment, max_num_seqs)
    missing = _missing(deployment)
    text = ["deployment:", *_fact_lines(deployment)]
    rules = rules_version(deployment.vllm_version)
    if deployment.vllm_version and rules != deployment.vllm_version:
        text.append(f"  note: vLLM {deployment.vllm_version} is not mirrored by the course; its lines were "
                    f"read as far as they go, and the checks below rest on {rules}'s rules")
    text.append("processes:")
    text += [f"  {name}: {', '.join(_SAID[f] for f in fields if f in _SAID) or 'other facts'}"
             for name, fields in reader.said.items() if fields]
    text.append("checked against mini_vllm:" if findings else "checked against mini_vllm: nothing to check")
    text += [_finding_line(f) for f in findings]
    text += [f"missing: {m}" for m in missing]
    data = {"schema": SCHEMA, "deployment": deployment.as_dict(), "rules": rules, "missing": missing,
            "checks": [vars(f) for f in findings],
            "processes": {name: fields for name, fields in reader.said.items() if fields}}
    return Shown("\n".join(text), data)


def show_tune(lines: Iterable[str], current: list[int] | None = None, num_rungs: int | None = None) -> Shown:
    rec: Recommendation = tune(read_evidence(lines), current, num_rungs)
    today = "measured by vLLM" if rec.padded_today_measured else "computed on the current ladder"
    text = [
        f"evidence: {rec.source}, {rec.steps:,.0f} steps, {rec.graph_steps:,.0f} of them shaped by the ladder",
        f"current ladder:     {_ladder(rec.current)}",
        f"recommended ladder: {_ladder(rec.recommended)}",
        f"padded tokens: {rec.padded_today:,.0f} today ({today}) -> {rec.padded_recommended:,.0f} on the "
        f"recommended ladder ({rec.padded_recommended - rec.padded_today:+,.0f})",
        f"graphs to capture per pass: {len(rec.recommended)} (today {len(rec.current)})",
        f"flag (vLLM 0.22.1 and 0.33.0): {rec.flag}",
    ]
    text += [f"advice: {a}" for a in rec.advice] + [f"note: {n}" for n in rec.notes]
    data = {**vars(rec), "flag": rec.flag}
    return Shown("\n".join(text), data)
