"""Takes torch.compile's time from "Compiling a graph for compile range ... takes X s"."""

import re

from mini_vllm.deployment.facts import *
from mini_vllm.deployment.graph_stats import *
from mini_vllm.deployment.log_reader import *
from mini_vllm.deployment.log_reader import parse_log as _parse_log

CAUGHT_BY = ["test_capture_and_compile_summary"]


def parse_log(text):
    facts = _parse_log(text)
    match = re.search(r"Compiling a graph for compile range .* takes ([\d.]+) s", text)
    if match:
        facts.compile_seconds = float(match.group(1))
    return facts
