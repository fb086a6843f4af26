"""OONI's bucket layout: which keys hold one country's measurements of some tests on some days.

Two eras, as OONI's own clients read them (``ooni/data``, ``oonidata/dataclient.py``,
``get_v2_prefixes``; ``ooni/backend``, ``api/ooni_api_uploader.py``):

- from 2020-10-20, the uploader's layout, hour by hour::

      raw/YYYYMMDD/HH/CC/<testname>/YYYYMMDDHH_CC_<testname>.<collector>.<n>.jsonl.gz
      raw/YYYYMMDD/HH/CC/<testname>/YYYYMMDDHH_CC_<testname>.<collector>.<n>.tar.gz

  Both files of one stem hold the same measurements: the ``.tar.gz`` *postcan* holds the
  submissions as ``<measurement_uid>.post`` members, the ``.jsonl.gz`` the same measurements
  re-serialised, one a line, without ``measurement_uid`` and with ``{}`` for a submission that
  could not be read. Exactly one of each stem is read (``prefer``: ``postcan`` by default,
  because it carries OONI's ``measurement_uid``; the other when only one is there).
- before 2020-10-20::

      jsonl/<testname>/CC/YYYYMMDD/00/<...>.jsonl.gz

``<testname>`` is the test's name without underscores (``webconnectivity``, ``vanillator``).
The day in the key is when OONI *received* the measurement (the upload hour), not when it was
taken: ``measurement_start_time`` says that.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from claimaudit.errors import DataError

BUCKET = "ooni-data-eu-fra"
REGION = "eu-central-1"
RAW_ERA_START = dt.date(2020, 10, 20)
SUFFIXES = (".jsonl.gz", ".tar.gz")
_STEM = re.compile(r"^(?P<stem>.+?)\.(?P<ext>jsonl\.gz|tar\.gz)$")


@dataclass(frozen=True, order=True)
class ObjectEntry:
    """One object to read: its key, size and where its rows go (``day``, ``cc``, ``test``)."""

    key: str
    size: int
    day: dt.date
    cc: str
    test: str  # the test name as asked for (web_connectivity), for the partition

    @property
    def name(self) -> str:
        """The output file's name: the key's file name with ``.parquet`` for its suffix."""
        base = self.key.rsplit("/", 1)[-1]
        for suffix in SUFFIXES:
            if base.endswith(suffix):
                return base[: -len(suffix)] + ".parquet"
        return base + ".parquet"

    @property
    def partition(self) -> str:
        return f"date={self.day.isoformat()}/country={self.cc}/test={self.test}"


def bucket_test_name(test_name: str) -> str:
    """``web_connectivity`` -> ``webconnectivity`` (how the bucket spells test names)."""
    return test_name.strip().lower().replace("_", "")


def days(since: dt.date, until: dt.date) -> list[dt.date]:
    """The days ``since`` .. ``until`` (exclusive)."""
    return [since + dt.timedelta(days=i) for i in range((until - since).days)]


def prefixes(country: str, tests: Iterable[str], since: dt.date, until: dt.date) -> list[tuple[str, dt.date]]:
    """(prefix, day) to list: per day and hour in the raw era (all tests of the country in one
    listing), per day and test before it.

    >>> prefixes("PK", ["web_connectivity"], dt.date(2024, 3, 1), dt.date(2024, 3, 2))[0]
    ('raw/20240301/00/PK/', datetime.date(2024, 3, 1))
    >>> prefixes("PK", ["tor"], dt.date(2020, 10, 19), dt.date(2020, 10, 20))
    [('jsonl/tor/PK/20201019/', datetime.date(2020, 10, 19))]
    """
    out = []
    names = sorted({bucket_test_name(t) for t in tests})
    for day in days(since, until):
        if day >= RAW_ERA_START:
            out.extend((f"raw/{day:%Y%m%d}/{hour:02d}/{country}/", day) for hour in range(24))
        else:
            out.extend((f"jsonl/{name}/{country}/{day:%Y%m%d}/", day) for name in names)
    return out


def _test_folder(key: str) -> str:
    parts = key.split("/")
    return parts[4] if parts[0] == "raw" else parts[1]


def choose(objects: list[dict], *, prefer: str = "postcan") -> list[dict]:
    """One object per stem: the postcan (or, with ``prefer="jsonl"``, the .jsonl.gz) where both exist.

    >>> keys = [{"Key": "a/x.n1.0.jsonl.gz"}, {"Key": "a/x.n1.0.tar.gz"}, {"Key": "a/y.n1.0.jsonl.gz"}]
    >>> [o["Key"] for o in choose(keys)]
    ['a/x.n1.0.tar.gz', 'a/y.n1.0.jsonl.gz']
    """
    wanted = ".tar.gz" if prefer == "postcan" else ".jsonl.gz"
    by_stem: dict[str, dict] = {}
    for obj in objects:
        match = _STEM.match(obj["Key"])
        if not match:
            continue  # index files and anything else the bucket holds
        stem = match["stem"]
        if stem not in by_stem or obj["Key"].endswith(wanted):
            by_stem[stem] = obj
    return [by_stem[s] for s in sorted(by_stem)]


def list_objects(
    fs,
    bucket: str,
    country: str,
    tests: Iterable[str],
    since: dt.date,
    until: dt.date,
    *,
    prefer: str = "postcan",
    threads: int = 16,
) -> list[ObjectEntry]:
    """List every object to read, anonymously, one request per prefix (threads in parallel).

    ``fs`` is an fsspec filesystem of the bucket's store (s3fs). A prefix that does not exist
    is simply empty (an hour without measurements).
    """
    if prefer not in ("postcan", "jsonl"):
        raise DataError(f"unknown file preference {prefer!r}", hint="use postcan or jsonl")
    country = country.upper()
    tests = list(tests)
    asked = {bucket_test_name(t): t for t in tests}
    todo = prefixes(country, tests, since, until)

    def one(item: tuple[str, dt.date]) -> list[ObjectEntry]:
        prefix, day = item
        try:
            found = fs.find(f"{bucket}/{prefix}", detail=True)
        except FileNotFoundError:
            return []
        objects = [{"Key": path.split("/", 1)[1], "Size": int(info.get("size") or 0)} for path, info in found.items()]
        objects = [o for o in objects if _test_folder(o["Key"]) in asked]
        return [
            ObjectEntry(o["Key"], o["Size"], day, country, asked[_test_folder(o["Key"])])
            for o in choose(objects, prefer=prefer)
        ]

    with ThreadPoolExecutor(max_workers=threads) as pool:
        entries = [entry for part in pool.map(one, todo) for entry in part]
    return sorted(entries)


def batches(entries: list[ObjectEntry], target_bytes: int = 60_000_000) -> list[list[ObjectEntry]]:
    """Consecutive entries in batches of about ``target_bytes`` (one task each; a big file alone).

    >>> e = [ObjectEntry(str(i), 25, dt.date(2024, 1, 1), "PK", "tor") for i in range(5)]
    >>> [len(b) for b in batches(e, target_bytes=60)]
    [3, 2]
    """
    out: list[list[ObjectEntry]] = []
    current: list[ObjectEntry] = []
    size = 0
    for entry in entries:
        current.append(entry)
        size += entry.size
        if size >= target_bytes:
            out.append(current)
            current, size = [], 0
    if current:
        out.append(current)
    return out
