"""Facts about memory and cost that a test asks of the graded code, in-process or across the channel.

A few tests check what a value is, not only what it holds: "the call returns the static output
buffer itself", "the static input is not the caller's array", "the earlier result now shows the
newer output", "a closed form runs a few dozen lines". In a plain run these are `is`,
`np.shares_memory`, the array itself and a line count; in judge mode the graded objects live in
the worker, so each question is asked of it by the number its values crossed with.
"""

from __future__ import annotations

import sys
from typing import Any

import numpy as np


class LineBudgetExceeded(Exception):
    """The call ran more Python lines than its budget (a search where a closed form was asked)."""


def _session_of(*values: Any) -> Any:
    remote = sys.modules.get("mini_vllm.grading.remote")
    for session in (remote.SESSIONS if remote else ()):
        if any(session.number_of(v) is not None for v in values):
            return session
    return None


def same_object(a: Any, b: Any) -> bool:
    """`a is b`, where a and b may be graded objects or arrays that came back from the worker."""
    session = _session_of(a, b)
    if session is None:
        return a is b
    return session.number_of(a) is not None and session.number_of(a) == session.number_of(b)


def shares_memory(a: Any, b: Any) -> bool:
    """np.shares_memory(a, b), asked of the process that holds them."""
    session = _session_of(a, b)
    if session is None:
        return bool(np.shares_memory(a, b))
    first, second = session.number_of(a), session.number_of(b)
    if first is None or second is None:
        return False  # one of them never reached the worker: it shares no memory there
    return session.request({"op": "shares_memory", "target": first, "other": second}) is True


def current(a: Any) -> Any:
    """What the array `a` holds now (the graded code may have written into it since it crossed)."""
    session = _session_of(a)
    return a if session is None else session.request({"op": "current", "target": session.number_of(a)})


def address(a: np.ndarray) -> int:
    """The address of a's data (a.ctypes.data) where the array lives."""
    session = _session_of(a)
    if session is None:
        return int(a.ctypes.data)
    return session.request({"op": "address", "target": session.number_of(a)})


def in_graded_process(lab: Any, function: str, *args: Any) -> Any:
    """`function` ('mini_vllm.<module>:<name>', a course function) called where the graded code runs:
    here in a plain run, in its worker in judge mode. For facts only that process has (its
    environment, a stand-in's counters, an instrument set up in it); as with an address, the worker
    reports them, so a test asks it only what the graded code's own values cannot show."""
    session = getattr(lab, "_live", None)
    if session is not None:
        return session().request({"op": "course", "target": None, "function": function}, args)
    module, _, name = function.partition(":")
    return getattr(__import__(module, fromlist=["_"]), name)(*args)


def call_within_line_budget(fn: Any, budget: int = 5_000) -> Any:
    """Run fn() while counting executed Python lines; raise LineBudgetExceeded past budget.

    A closed form runs a few dozen lines whatever its inputs; a search runs one per candidate.
    In judge mode the worker counts the lines of each call fn makes, not the judge's.
    """
    remote = sys.modules.get("mini_vllm.grading.remote")
    if remote is not None and remote.SESSIONS:
        remote.BUDGET.append(budget)
        try:
            return fn()
        finally:
            remote.BUDGET.pop()
    return run_counting_lines(fn, budget)


def run_counting_lines(fn: Any, budget: int) -> Any:
    """fn() under a tracer that counts executed lines (here, or in the worker for the judge)."""
    executed = 0

    def local(frame, event, arg):
        nonlocal executed
        if event == "line":
            executed += 1
            if executed > budget:
                raise LineBudgetExceeded(f"ran past {budget} Python lines")
        return local

    previous = sys.gettrace()
    sys.settrace(lambda frame, event, arg: local)
    try:
        return fn()
    finally:
        sys.settrace(previous)
