"""Keeps a warning every time a process logs it (the front end and the engine both warn)."""

import re

from mini_vllm.deployment.facts import *
from mini_vllm.deployment.graph_stats import *
from mini_vllm.deployment.log_reader import *
from mini_vllm.deployment.log_reader import parse_log as _parse_log

CAUGHT_BY = ["test_warnings_once_each_in_order"]


def parse_log(text):
    facts = _parse_log(text)
    facts.warnings = [w for w in facts.warnings for _ in range(len(re.findall(re.escape(w), text)))]
    return facts
