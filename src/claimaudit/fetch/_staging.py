"""Write a file beside its target, check it, then rename it into place.

The same contract as :func:`claimaudit._io.atomic_write`, but the checks (length, sha256, a
caller's validator) need the finished temporary file before the rename, so nothing that fails
them ever appears under the target name.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO


@contextmanager
def staged(target: Path) -> Iterator[tuple[BinaryIO, Path]]:
    """Yield ``(file, temporary path)``; on a clean exit rename the file over ``target``."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name[:80]}.", suffix=".part", dir=target.parent)
    tmp_path = Path(tmp)
    try:
        with os.fdopen(fd, "wb") as fh:
            yield fh, tmp_path
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp_path, target)
    except BaseException:
        tmp_path.unlink(missing_ok=True)
        raise
