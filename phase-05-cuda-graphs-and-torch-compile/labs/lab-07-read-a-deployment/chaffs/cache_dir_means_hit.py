"""Calls the compile cache a hit as soon as vLLM says which cache directory it uses."""

from mini_vllm.deployment.facts import *
from mini_vllm.deployment.graph_stats import *
from mini_vllm.deployment.log_reader import *
from mini_vllm.deployment.log_reader import parse_log as _parse_log

CAUGHT_BY = ["test_capture_and_compile_summary"]


def parse_log(text):
    facts = _parse_log(text)
    if isinstance(text, str) and "Using cache directory" in text:
        facts.compile_cache = "hit"
    return facts
