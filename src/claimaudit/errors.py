"""Exceptions. Every message says what went wrong, where, and what to do next.

ClaimauditError
 ├── DataError          a dataset file is malformed (names dataset, file, line, column)
 │    └── IntegrityError  a file's sha256 does not match its datapackage.json
 ├── FetchError         a third-party resource could not be had (names the URL)
 │    ├── NotAvailableError  offline, and neither cache nor mirror holds it
 │    └── HashMismatchError  the bytes are not the ones the datapackage vouches for
 └── RuleError          an audit rule file is malformed (names file, line, key)
"""

from __future__ import annotations

from pathlib import Path


class ClaimauditError(Exception):
    """Base of all errors that are the user's to fix; the CLI prints them without a traceback."""


class DataError(ClaimauditError):
    def __init__(
        self,
        problem: str,
        *,
        dataset: str | None = None,
        file: str | Path | None = None,
        line: int | None = None,
        column: str | None = None,
        hint: str | None = None,
    ) -> None:
        self.problem = problem
        self.dataset = dataset
        self.file = str(file) if file is not None else None
        self.line = line
        self.column = column
        self.hint = hint
        super().__init__(self._render())

    def _render(self) -> str:
        where = []
        if self.dataset:
            where.append(f"dataset {self.dataset!r}")
        if self.file:
            where.append(f"file {self.file}")
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.column:
            where.append(f"column {self.column!r}")
        text = (", ".join(where) + ": " if where else "") + self.problem
        if self.hint:
            text += f"\n  What to do: {self.hint}"
        return text


class IntegrityError(DataError):
    """A file's bytes are not the bytes its datapackage.json vouches for."""


class FetchError(ClaimauditError):
    def __init__(self, problem: str, *, url: str | None = None, hint: str | None = None) -> None:
        self.problem = problem
        self.url = url
        self.hint = hint
        text = (f"{url}: " if url else "") + problem
        if hint:
            text += f"\n  What to do: {hint}"
        super().__init__(text)


class NotAvailableError(FetchError):
    """Offline (or the network failed) and neither the cache nor the mirror holds the URL."""

    #: The problem as the fetcher states it when nothing else is known (the audit words it by this, not by its text).
    OFFLINE = "not in the cache and no mirror holds it, and fetching is offline"


class HashMismatchError(FetchError):
    """The bytes served for a pinned URL do not have the sha256 its datapackage.json records."""


class RuleError(ClaimauditError):
    def __init__(
        self,
        problem: str,
        *,
        file: str | Path | None = None,
        line: int | None = None,
        key: str | None = None,
        hint: str | None = None,
    ) -> None:
        self.problem = problem
        self.file = str(file) if file is not None else None
        self.line = line
        self.key = key
        self.hint = hint
        where = []
        if self.file:
            where.append(self.file)
        if line is not None:
            where.append(f"line {line}")
        if key:
            where.append(f"key {key!r}")
        text = (", ".join(where) + ": " if where else "") + problem
        if hint:
            text += f"\n  What to do: {hint}"
        super().__init__(text)


class ChecksPending(ClaimauditError):
    """Check results were asked for while this run's data checks ran, and they did not finish in time.

    ``claimaudit run`` starts the notebooks while the checks still run (beside the audit, on the
    other core); a notebook that reads check results waits for them (see
    :func:`claimaudit.quality.latest_check_results`), at most ``timeout`` seconds."""
