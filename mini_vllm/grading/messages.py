"""What the labs' error tests look for in a message: names, each standing alone as a word.

A README promises that an error names its argument (and, where it says so, a range), never the
wording around them; so a test must neither pin the wording nor find the name inside another
word ("XXbatchXX" does not name batch, `batches[0]` does name batches).
"""

from __future__ import annotations

import re


def naming(*words: str) -> str:
    """A regex (for `re.search` or `pytest.raises(match=...)`) that a message matches when it
    contains every one of `words` with no word character on either side, in any order."""
    return "".join(rf"(?=[\s\S]*(?<!\w){re.escape(w)}(?!\w))" for w in words)
