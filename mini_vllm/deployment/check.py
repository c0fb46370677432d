"""Hold a log's facts against mini_vllm: the ladder its config implies, the passes it predicts.

Each finding names one fact, what the log says, what the course's model says for the same
config, and the version whose rules made the prediction. A log from a version the course does
not mirror is checked with the nearest mirrored version's rules, and every finding says so.
"""

from __future__ import annotations

from dataclasses import dataclass

from mini_vllm.capture_sizes import capture_sizes_for
from mini_vllm.cudagraph_dispatcher import capture_log
from mini_vllm.cudagraph_mode import CompilationMode, resolve_cudagraph_mode
from mini_vllm.deployment.facts import LogFacts
from mini_vllm.deployment.log_reader import read
from mini_vllm.vllm_versions import SUPPORTED_VLLM_VERSIONS


@dataclass(frozen=True)
class Finding:
    fact: str          # "ladder", "passes", "cudagraph_mode"
    logged: object
    predicted: object
    agrees: bool
    why: str           # the rule behind the prediction, or the difference in words
    rules: str         # the vLLM version whose rules predicted it


def rules_version(vllm_version: str | None) -> str:
    """The mirrored version whose rules read this log: itself, else the nearest one below 0.33."""
    if vllm_version in SUPPORTED_VLLM_VERSIONS:
        return vllm_version
    try:
        minor = int((vllm_version or "").split(".")[1])
    except (IndexError, ValueError):
        return SUPPORTED_VLLM_VERSIONS[0]
    return "0.33.0" if minor >= 33 else "0.22.1"


def _default_ladder(facts: LogFacts, rules: str) -> list[int]:
    """The ladder vLLM builds itself for the logged capture max and token budget (lab-05's
    capture_sizes_for with that max given, which is what the config line records)."""
    top = facts.max_capture_size
    return capture_sizes_for(1, facts.max_num_batched_tokens or top, top, vllm_version=rules)


def check_ladder(facts: LogFacts, rules: str) -> Finding | None:
    if not facts.capture_sizes or not facts.max_capture_size:
        return None
    logged, default = facts.capture_sizes, _default_ladder(facts, rules)
    if logged == default:
        why = f"vLLM's own ladder for a capture max of {facts.max_capture_size}"
    else:
        off = sorted(set(logged) - set(default))
        missing = sorted(set(default) - set(logged))
        why = (f"not the default ladder for max {facts.max_capture_size}: a ladder set with "
               f"--cudagraph-capture-sizes; rungs off the default stride {off}, default rungs "
               f"it leaves out {missing}")
    return Finding("ladder", logged, default, logged == default, why, rules)


def check_passes(facts: LogFacts, rules: str, max_num_seqs: int | None) -> Finding | None:
    """The capture bars capture_log predicts for the logged mode, ladder and runner."""
    if facts.cudagraph_mode is None or facts.capture_sizes is None:
        return None
    seqs, how = _max_num_seqs(facts, rules, max_num_seqs)
    bars = capture_log(facts.cudagraph_mode, facts.capture_sizes, seqs, runner=facts.runner,
                       vllm_version=rules) if facts.capture_sizes else []
    predicted = [(p.label, p.total) for p in read(bars).facts.passes]  # read as the log was
    logged = [(p.label, p.total) for p in facts.passes]
    assumed = f" ({how})" if how else ""
    if logged == predicted:
        why = f"{len(predicted)} pass(es), {sum(n for _, n in predicted)} graphs, as predicted{assumed}"
    else:
        why = f"the log captures {logged}, capture_log predicts {predicted}{assumed}"
    return Finding("passes", logged, predicted, logged == predicted, why, rules)


def _max_num_seqs(facts: LogFacts, rules: str, given: int | None) -> tuple[int, str]:
    """max_num_seqs, which vLLM 0.22.1 logs only at DEBUG: given, inferred, or assumed (and said)."""
    if given:
        return given, ""
    top, budget = facts.max_capture_size or 0, facts.max_num_batched_tokens or 0
    if 0 < top < 512 and top % 2 == 0 and top < budget and facts.capture_sizes == _default_ladder(facts, rules):
        return top // 2, f"max_num_seqs {top // 2} inferred: a default capture max below 512 is 2 x max_num_seqs"
    seqs = max(facts.capture_sizes or [1])
    if not facts.capture_sizes:
        return seqs, ""
    return seqs, (f"max_num_seqs is not in the log: taken as {seqs}, so every rung can be a decode "
                  f"batch; pass --max-num-seqs if yours is smaller")


def check_mode(facts: LogFacts, rules: str) -> Finding | None:
    """Whether vLLM's guards turn the requested mode into the mode the log runs."""
    if facts.requested_cudagraph_mode is None or facts.compilation_mode is None or facts.cudagraph_mode is None:
        return None
    predicted = resolve_cudagraph_mode(facts.requested_cudagraph_mode, CompilationMode[facts.compilation_mode],
                                       enforce_eager=bool(facts.enforce_eager), vllm_version=rules).name
    why = (f"{facts.requested_cudagraph_mode} needs VLLM_COMPILE's split at attention; under "
           f"{facts.compilation_mode} vLLM {rules} runs {predicted}")
    return Finding("cudagraph_mode", facts.cudagraph_mode, predicted, facts.cudagraph_mode == predicted, why, rules)


def check_facts(facts: LogFacts, max_num_seqs: int | None = None) -> list[Finding]:
    rules = rules_version(facts.vllm_version)
    found = [check_mode(facts, rules), check_ladder(facts, rules), check_passes(facts, rules, max_num_seqs)]
    return [f for f in found if f is not None]
