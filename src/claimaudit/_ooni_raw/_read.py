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
GZIP_MAGIC = b"\x1f\x8b"

Record = tuple[int, bytes | None, str | None]  # (line, measurement bytes, error)

_list_of_raw = msgspec.json.Decoder(list[msgspec.Raw])


def _open(path: Path):
    with open(path, "rb") as probe:
        magic = probe.read(2)
    if magic == GZIP_MAGIC:
        return igzip.open(path, "rb"), True
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
    end = head.find(b"\n")
    line = head if end < 0 else head[:end]
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


def _jsonl(fh, head: bytes, gz: bool) -> Iterator[Record]:
    line_no = 0
    pending = b""
    chunk = head
    while chunk:
        pieces = (pending + chunk).split(b"\n") if pending else chunk.split(b"\n")
        pending = pieces.pop()
        for piece in pieces:
            line_no += 1
            if piece.strip():
                yield line_no, piece, None
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
