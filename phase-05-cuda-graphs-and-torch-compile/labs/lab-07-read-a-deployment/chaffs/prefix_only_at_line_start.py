"""Strips a process prefix only at the start of a line: a record after another process's bar keeps it."""

import re

from mini_vllm.deployment.facts import *
from mini_vllm.deployment.graph_stats import *
from mini_vllm.deployment.log_reader import *
from mini_vllm.deployment.log_reader import parse_log as _parse_log

CAUGHT_BY = ["test_warnings_once_each_in_order", "test_interleaved_processes_keep_their_own_bars"]


def parse_log(text):
    # A record that follows another process's bar on the same line never starts a segment: lost.
    if isinstance(text, str):
        text = re.sub(r"(?<=[^\n\r])\(\w+ pid=\d+\) [^\n]*", "", text)
    return _parse_log(text)
