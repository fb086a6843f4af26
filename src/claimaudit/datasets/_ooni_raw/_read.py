"""Turn one input file into measurement records: ``(line, bytes)`` or ``(line, error message)``.

Formats: JSONL (one measurement per line), a JSON document holding one measurement or a list
of them, each optionally gzip-compressed (detected by the gzip magic bytes, not the name).
gzip is read with ``isal`` (igzip), several times faster than the standard library.

``line`` is the 1-based line number for JSONL, the 1-based position in the list for a JSON
list, and 1 for a single JSON document. A gzip stream that ends early (truncated download)
yields every complete line before the cut, then one error record.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from pathlib import Path

import msgspec
from isal import igzip

CHUNK = 1 << 22  # 4 MiB of decompressed text per read
SMALL = 1 << 14  # read size after a stream error, to keep all but the last few KiB
GZIP_MAGIC = b"\x1f\x8b"

Record = tuple[int, bytes | memoryview | None, str | None]  # (line, measurement bytes, error)

_list_of_raw = msgspec.json.Decoder(list[msgspec.Raw])


class _GzipReader:
    """igzip in large reads; on a stream error, re-read in small reads to keep every byte before it.

    A read that hits a truncation loses all it inflated; re-opening, skipping what was already
    delivered and reading in small pieces recovers the stream up to a few KiB before the cut.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.delivered = 0
        self.fh = igzip.open(path, "rb")
        self.large = True
        self.error: BaseException | None = None

    def read(self, size: int) -> bytes:
        if self.large:
            try:
                data = self.fh.read(size)
                self.delivered += len(data)
                return data
            except (EOFError, OSError, zlib.error):
                self._fall_back()
        if self.error is not None:
            raise self.error
        parts, got = [], 0
        while got < size:  # small reads: a failing read loses what it inflated
            try:
                piece = self.fh.read(min(SMALL, size - got))
            except (EOFError, OSError, zlib.error) as exc:
                if not parts:
                    raise
                self.error = exc  # report it on the next call, after these bytes
                break
            if not piece:
                break
            parts.append(piece)
            got += len(piece)
        data = b"".join(parts)
        self.delivered += len(data)
        return data

    def _fall_back(self) -> None:
        self.fh.close()
        self.large = False
        self.fh = igzip.open(self.path, "rb")
        left = self.delivered
        while left:
            skipped = len(self.fh.read(min(left, SMALL)))
            if not skipped:  # pragma: no cover - the stream was shorter the second time
                raise EOFError("gzip stream ended while re-reading")
            left -= skipped

    def __enter__(self) -> _GzipReader:
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            self.fh.close()
        except (EOFError, OSError, zlib.error):  # closing a broken stream must not mask the report
            pass


def _open(path: Path):
    with open(path, "rb") as probe:
        magic = probe.read(2)
    if magic == GZIP_MAGIC:
        return _GzipReader(path), True
    return open(path, "rb"), False


def _first_byte(head: bytes) -> bytes:
    stripped = head.lstrip(b" \t\r\n\xef\xbb\xbf")  # whitespace and a UTF-8 BOM
    return stripped[:1]


def iter_records(path: str | Path) -> Iterator[Record]:
    """Yield the measurement records of one file (see module doc); never raises on bad data."""
    path = Path(path)
    name = path.name.lower()
    lines_by_name = name.endswith((".jsonl", ".jsonl.gz", ".ndjson", ".ndjson.gz"))
    fh, gz = _open(path)
    with fh:
        try:
            head = fh.read(CHUNK)
        except (EOFError, OSError, zlib.error) as exc:
            yield 1, None, _stream_error(gz, exc, 0)
            return
        first = _first_byte(head)
        if not lines_by_name and first == b"[":
            yield from _json_document(fh, head, gz, as_list=True)
            return
        if not lines_by_name and first == b"{" and not _first_line_is_json(head):
            yield from _json_document(fh, head, gz, as_list=False)
            return
        yield from _jsonl(fh, head, gz)


def _first_line_is_json(head: bytes) -> bool:
    """True when the first line alone is a JSON value (JSONL), False for a multi-line document."""
    end = head.find(b"\n")
    if end < 0:
        return len(head) >= CHUNK  # one line longer than a chunk: only JSONL is read in parts
    line = head[:end]
    try:
        msgspec.json.decode(line)
    except msgspec.DecodeError:
        return False
    return True


def _stream_error(gz: bool, exc: BaseException, after_line: int) -> str:
    what = "gzip stream" if gz else "file"
    return (
        f"{what} unreadable after line {after_line} ({type(exc).__name__}: {exc}); "
        "the file is truncated or corrupt: rows before this one were kept, re-download the file"
    )


def _blank(piece: memoryview) -> bool:
    return piece[0] in b" \t\r" and not bytes(piece).strip()


def _jsonl(fh, head: bytes, gz: bool) -> Iterator[Record]:
    # Lines are handed out as memoryview slices of the chunk (no per-line copy); only a line
    # that straddles two chunks is joined.
    line_no = 0
    pending = b""
    chunk = head
    while chunk:
        view = memoryview(chunk)
        find = chunk.find
        start = 0
        if pending:
            end = find(b"\n")
            if end < 0:
                pending += chunk
                start = len(chunk)
            else:
                line_no += 1
                joined = pending + chunk[:end]
                pending = b""
                if joined.strip():
                    yield line_no, joined, None
                start = end + 1
        if not pending:
            while (end := find(b"\n", start)) >= 0:
                line_no += 1
                if end > start and not _blank(view[start:end]):
                    yield line_no, view[start:end], None
                start = end + 1
            pending = chunk[start:]
        try:
            chunk = fh.read(CHUNK)
        except (EOFError, OSError, zlib.error) as exc:
            yield line_no + 1, None, _stream_error(gz, exc, line_no)
            return
    if pending.strip():
        yield line_no + 1, pending, None


def _json_document(fh, head: bytes, gz: bool, *, as_list: bool) -> Iterator[Record]:
    parts = [head]
    try:
        while chunk := fh.read(CHUNK):
            parts.append(chunk)
    except (EOFError, OSError, zlib.error) as exc:
        yield 1, None, _stream_error(gz, exc, 0) + " (a JSON document cannot be read in part)"
        return
    data = b"".join(parts)
    if not as_list:
        yield 1, data, None
        return
    try:
        items = _list_of_raw.decode(data)
    except (msgspec.DecodeError, msgspec.ValidationError) as exc:
        yield 1, None, f"invalid JSON list: {exc}; fix the file or give it as JSONL"
        return
    for index, item in enumerate(items, start=1):
        yield index, bytes(item), None
