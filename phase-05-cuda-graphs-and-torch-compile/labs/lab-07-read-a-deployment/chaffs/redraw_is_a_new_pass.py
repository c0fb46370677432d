"""Opens a new pass whenever a bar reaches n/n again: tqdm's redraw on close counts twice."""

from mini_vllm.deployment.facts import *
from mini_vllm.deployment.graph_stats import *
from mini_vllm.deployment.log_reader import *
from mini_vllm.deployment.log_reader import parse_log as _parse_log

CAUGHT_BY = ["test_capture_passes"]


def parse_log(text):
    facts = _parse_log(text)
    if isinstance(text, str):
        for p in list(facts.passes):
            if text.count(f"{p.total}/{p.total} [") > 1:
                facts.passes.append(p)
    return facts
