"""The helper process of a two-core check run (see :mod:`claimaudit.quality._parallel`)."""

from __future__ import annotations

from claimaudit.quality._engine import _Runner
from claimaudit.quality._parallel import serve

if __name__ == "__main__":
    serve(lambda now: _Runner(now=now))
