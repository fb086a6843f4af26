"""What changed in a dataset since it was last stamped, and which files are edited but not stamped.

>>> summary_line("claims", "claims", RowChanges(added=1, removed=0, changed=2, before=166, after=167))
'claims/claims: 1 row added, 0 removed, 2 changed (166 -> 167 rows)'

``datapackage.json`` records only a file's sha256 and size, so the content that was stamped is
looked up in git: the version in the index, at ``HEAD``, or in the last commits that touched the
file, whichever has the recorded sha256. Rows are matched by the resource's primary key, so an
edited cell counts as one row changed, not one removed and one added.
"""

from __future__ import annotations

import csv
import hashlib
import io
import subprocess
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from claimaudit import paths

__all__ = ["RowChanges", "Unstamped", "changes_since_stamp", "dataset_of", "resolve", "summary_line", "unstamped"]

_HISTORY = 30  # commits to look back through for the stamped version


@dataclass(frozen=True)
class RowChanges:
    added: int
    removed: int
    changed: int
    before: int
    after: int


def summary_line(dataset: str, resource: str, changes: RowChanges | None, *, rows_now: int | None = None) -> str:
    """One line: ``claims/claims: 1 row added, 0 removed, 2 changed (166 -> 167 rows)``."""
    if changes is None:
        now = f"{rows_now} rows now" if rows_now is not None else "content now"
        return (
            f"{dataset}/{resource}: changed; the stamped version is not in git history, "
            f"so rows cannot be compared ({now})"
        )
    noun = "row" if changes.added == 1 else "rows"
    return (
        f"{dataset}/{resource}: {changes.added} {noun} added, {changes.removed} removed, "
        f"{changes.changed} changed ({changes.before} -> {changes.after} rows)"
    )


def _git(args: list[str], cwd: Path) -> bytes | None:
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, timeout=30, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout if done.returncode == 0 else None


def stamped_version(file: Path, digest: str) -> bytes | None:
    """The bytes of ``file`` whose sha256 is ``digest``, from git (index, HEAD, recent history)."""
    folder = file.parent
    top = _git(["rev-parse", "--show-toplevel"], folder)
    if top is None:
        return None
    rel = file.resolve().relative_to(Path(top.decode().strip()).resolve()).as_posix()
    candidates = [f":{rel}", f"HEAD:{rel}"]
    log = _git(["log", f"-n{_HISTORY}", "--format=%H", "--", rel], folder)
    if log:
        candidates += [f"{sha}:{rel}" for sha in log.decode().split()]
    for spec in candidates:
        data = _git(["show", spec], folder)
        if data is not None and hashlib.sha256(data).hexdigest() == digest:
            return data
    return None


def diff_rows(before: str, after: str, key: list[str] | None) -> RowChanges:
    """Rows added, removed and changed between two CSV texts (by ``key`` columns if given)."""
    old = list(csv.reader(io.StringIO(before, newline="")))
    new = list(csv.reader(io.StringIO(after, newline="")))
    old_header, new_header = (old[0] if old else []), (new[0] if new else [])
    old_rows, new_rows = old[1:], new[1:]
    if key and all(k in old_header for k in key) and all(k in new_header for k in key):

        def keyed(header: list[str], rows: list[list[str]]) -> dict[tuple[str, ...], dict[str, str]]:
            idx = [header.index(k) for k in key]
            return {tuple(r[i] if i < len(r) else "" for i in idx): dict(zip(header, r, strict=False)) for r in rows}

        a, b = keyed(old_header, old_rows), keyed(new_header, new_rows)
        changed = sum(1 for k in a.keys() & b.keys() if a[k] != b[k])
        return RowChanges(len(b.keys() - a.keys()), len(a.keys() - b.keys()), changed, len(old_rows), len(new_rows))
    a_count = Counter(tuple(r) for r in old_rows)
    b_count = Counter(tuple(r) for r in new_rows)
    return RowChanges(
        sum((b_count - a_count).values()), sum((a_count - b_count).values()), 0, len(old_rows), len(new_rows)
    )


def changes_since_stamp(name: str, *, root: Path | None = None) -> list[tuple[str, RowChanges | None, int]]:
    """For each local resource whose file differs from its stamp: (resource, changes or None, rows now)."""
    from claimaudit import datasets

    package = datasets.read_package(name, root=root)
    out = []
    for res in package.descriptor.get("resources", []):
        if not isinstance(res, dict) or not package.is_local(res) or "path" not in res:
            continue
        file = package.folder / res["path"]
        if not file.is_file():
            continue
        data = file.read_bytes()
        recorded = str(res.get("hash", "")).removeprefix("sha256:")
        if hashlib.sha256(data).hexdigest() == recorded:
            continue
        text = data.decode("utf-8", errors="replace")
        rows_now = max(len(list(csv.reader(io.StringIO(text, newline="")))) - 1, 0)
        old = stamped_version(file, recorded) if recorded else None
        if recorded and old is None:
            out.append((res.get("name", res["path"]), None, rows_now))
            continue
        schema = res.get("schema") if isinstance(res.get("schema"), dict) else {}
        key = schema.get("primaryKey")
        key = [key] if isinstance(key, str) else key
        before = old.decode("utf-8", errors="replace") if old is not None else ""
        out.append((res.get("name", res["path"]), diff_rows(before, text, key), rows_now))
    return out


@dataclass(frozen=True)
class Unstamped:
    dataset: str
    file: Path
    recorded: str
    actual: str


def unstamped(names: list[str] | None = None, *, root: Path | None = None) -> list[Unstamped]:
    """Local dataset files whose sha256 is not the one their ``datapackage.json`` records."""
    from claimaudit import datasets

    root = root or paths.datasets_dir()
    found = []
    for name in names or datasets.list_datasets(root):
        package = datasets.read_package(name, root=root)
        for res in package.descriptor.get("resources", []):
            if not isinstance(res, dict) or not package.is_local(res) or "path" not in res:
                continue
            file = package.folder / res["path"]
            if not file.is_file():
                continue
            actual = hashlib.sha256(file.read_bytes()).hexdigest()
            recorded = str(res.get("hash", "")).removeprefix("sha256:")
            if actual != recorded:
                found.append(Unstamped(name, file, recorded, actual))
    return found


def resolve(file: str | Path, *roots: Path) -> Path:
    """A path as given (relative to the current folder), or else relative to the project root
    when only that lands under one of ``roots`` (a hook or CI step run from elsewhere)."""
    path = Path(file)
    if path.is_absolute():
        return path.resolve()
    here = (Path.cwd() / path).resolve()
    if any(here.is_relative_to(r.resolve()) for r in roots):
        return here
    there = (paths.project_root() / path).resolve()
    return there if any(there.is_relative_to(r.resolve()) for r in roots) else here


def dataset_of(file: str | Path, *, root: Path | None = None) -> str | None:
    """The curated dataset a path belongs to (``datasets/<name>/...``), or None."""
    root = (root or paths.datasets_dir()).resolve()
    path = resolve(file, root)
    if not path.is_relative_to(root):
        return None
    parts = path.relative_to(root).parts
    if len(parts) < 2 or not (root / parts[0] / "datapackage.json").is_file():
        return None
    return parts[0]
