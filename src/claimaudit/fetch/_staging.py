"""Write a file beside its target, check it, then rename it into place.

The project's one staged-write primitive, :func:`claimaudit._io.staged`: the checks (length,
sha256, a caller's validator) need the finished temporary file before the rename, so nothing that
fails them ever appears under the target name.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from claimaudit._io import staged as _staged


@contextmanager
def staged(target: Path) -> Iterator[tuple[BinaryIO, Path]]:
    """Yield ``(file, temporary path)``; on a clean exit rename the file over ``target``."""
    with _staged(target, "wb", suffix=".part") as (fh, tmp):
        yield fh, tmp
