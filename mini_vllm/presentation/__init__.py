"""What a person reads: tables, reports and plots built from the engine's results.

The engine modules (`mini_vllm.capture_sizes`, `mini_vllm.graph_simulator`, ...) hold the
concepts and their checks and print nothing; this package turns their results into text and
PNGs, and `mini_vllm.cli` calls it. The arrows point one way: nothing in the engine imports
this package, so a lab never pays for matplotlib or a report it does not print.
"""

from __future__ import annotations

from typing import Any, NamedTuple


class Shown(NamedTuple):
    """What one subcommand shows: text for a person and the same facts as JSON-ready data.

    `mini-vllm <command> --json` prints `data`; without it, `text`. `status` is the exit code.
    """

    text: str
    data: Any
    status: int = 0
