"""A progress bar for loops that can run longer than a few seconds: tqdm when it is installed.

tqdm is optional (the `gpu` extra brings it). Without it, a loop prints one line saying what it
is about to do, so a long run is never silent; with it, the bar goes to stderr and hides
itself when stderr is not a terminal, so piped output and tests stay clean.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")


def progress(items: Iterable[T], desc: str, total: int | None = None, enabled: bool = True) -> Iterator[T]:
    """Iterate over `items` behind a progress bar labelled `desc` (or silently when disabled)."""
    if not enabled:
        return iter(items)
    try:
        from tqdm import tqdm
    except ImportError:
        count = total if total is not None else len(items) if hasattr(items, "__len__") else "?"
        print(f"{desc}: {count} steps (pip install tqdm for a progress bar)", file=sys.stderr)
        return iter(items)
    return iter(tqdm(items, desc=desc, total=total, disable=None, file=sys.stderr))
