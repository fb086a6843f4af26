"""Turn one input file into measurement records ``(line, bytes, error, uid)``.

Formats, each optionally gzip-compressed (detected by the gzip magic bytes, not the name;
gzip is read with ``isal``/igzip, several times faster than the standard library):

- JSONL (one measurement per line), as in OONI's bucket (``raw/.../*.jsonl.gz``). OONI's
  uploader writes ``{}`` in place of a submission it could not read
  (``api/ooni_api_uploader.py``, ``fill_jsonl``): such placeholder lines are skipped and counted
  in :class:`ReadStats` (they keep their line number, so later lines keep theirs).
- a JSON document holding one measurement or a list of them;
- an OONI *postcan* (``raw/.../*.tar.gz``): a tar of ``<measurement_uid>.post`` files as the
  probes submitted them, ``{"format": "json", "content": <measurement>}``; detected by the tar
  header, not the name. ``uid`` is the member's name without ``.post`` (how OONI names them);
- a single ``.post`` file (the same wrapper; ``uid`` from the file name).

``line`` is the 1-based line number for JSONL, the 1-based position in the list for a JSON
list or among the members of a postcan, and 1 for a single JSON document. JSONL records keep
their line terminator (``\n``), so their bytes are the line exactly as stored. A gzip stream
that ends early (truncated download) yields every complete line (or member) before the cut,
then one error record.
"""

from __future__ import annotations

import tarfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import msgspec
from isal import igzip

CHUNK = 1 << 22  # 4 MiB of decompressed text per read
SMALL = 1 << 14  # read size after a stream error, to keep all but the last few KiB
GZIP_MAGIC = b"\x1f\x8b"

# (line, measurement bytes, error, measurement_uid from a .post name or None)
Record = tuple[int, bytes | memoryview | None, str | None, str | None]

_list_of_raw = msgspec.json.Decoder(list[msgspec.Raw])
_STREAM_ERRORS = (EOFError, OSError, zlib.error, tarfile.TarError)


class _Post(msgspec.Struct):
    """A probe's submission as OONI stores it: ``{"format": "json"|"yaml", "content": ...}``."""

    format: str | None = None
    content: msgspec.Raw = msgspec.Raw(b"")  # empty: no content key
    test_name: object = msgspec.UNSET  # present: a measurement, not a wrapper


_post = msgspec.json.Decoder(_Post)


@dataclass
class ReadStats:
    """What the reader skipped: ``placeholders`` counts OONI's ``{}`` lines (not measurements)."""

    placeholders: int = 0


def _is_placeholder(piece: bytes | memoryview) -> bool:
    return len(piece) <= 8 and bytes(piece).strip() == b"{}"


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
        except _STREAM_ERRORS:  # closing a broken stream must not mask the report
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


def iter_records(path: str | Path, stats: ReadStats | None = None) -> Iterator[Record]:
    """Yield the measurement records of one file (see module doc); never raises on bad data.

    ``stats``, when given, counts what was skipped (``{}`` placeholder lines).
    """
    path = Path(path)
    stats = stats if stats is not None else ReadStats()
    name = path.name.lower()
    lines_by_name = name.endswith((".jsonl", ".jsonl.gz", ".ndjson", ".ndjson.gz"))
    post_uid = path.name[: -len(".post")] if name.endswith(".post") else None
    fh, gz = _open(path)
    with fh:
        try:
            head = fh.read(CHUNK)
        except _STREAM_ERRORS as exc:
            yield 1, None, _stream_error(gz, exc, 0), None
            return
        if len(head) >= 262 and head[257:262] == b"ustar":
            yield from _postcan(path, gz)
            return
        first = _first_byte(head)
        if not lines_by_name and first == b"[":
            yield from _json_document(fh, head, gz, stats, as_list=True)
            return
        if post_uid is not None or (not lines_by_name and first == b"{" and not _first_line_is_json(head)):
            yield from _json_document(fh, head, gz, stats, as_list=False, uid=post_uid)
            return
        yield from _jsonl(fh, head, gz, stats)


def _first_line_is_json(head: bytes) -> bool:
    """True when the first line alone is a JSON value (JSONL), False for a multi-line document."""
    end = head.find(b"\n")
    if end < 0:
        return len(head) >= CHUNK  # one line longer than a chunk: only JSONL is read in parts
    line = head[:end]
    try:
        msgspec.json.decode(line)
    except (msgspec.DecodeError, RecursionError):
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


def _jsonl(fh, head: bytes, gz: bool, stats: ReadStats) -> Iterator[Record]:
    # Lines are handed out as memoryview slices of the chunk, terminator included (no per-line
    # copy); only a line that straddles two chunks is joined.
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
                joined = pending + chunk[: end + 1]
                pending = b""
                if joined.strip():
                    if _is_placeholder(joined):
                        stats.placeholders += 1
                    else:
                        yield line_no, joined, None, None
                start = end + 1
        if not pending:
            while (end := find(b"\n", start)) >= 0:
                line_no += 1
                if end > start and not _blank(view[start:end]):
                    if end - start <= 8 and _is_placeholder(view[start:end]):
                        stats.placeholders += 1
                    else:
                        yield line_no, view[start : end + 1], None, None
                start = end + 1
            pending = chunk[start:]
        try:
            chunk = fh.read(CHUNK)
        except _STREAM_ERRORS as exc:
            yield line_no + 1, None, _stream_error(gz, exc, line_no), None
            return
    if pending.strip():
        if _is_placeholder(pending):
            stats.placeholders += 1
        else:
            yield line_no + 1, pending, None, None


def _json_document(
    fh, head: bytes, gz: bool, stats: ReadStats, *, as_list: bool, uid: str | None = None
) -> Iterator[Record]:
    parts = [head]
    try:
        while chunk := fh.read(CHUNK):
            parts.append(chunk)
    except _STREAM_ERRORS as exc:
        yield 1, None, _stream_error(gz, exc, 0) + " (a JSON document cannot be read in part)", None
        return
    data = b"".join(parts)
    if not as_list:
        if _is_placeholder(data):
            stats.placeholders += 1
            return
        yield _unwrap_post(1, data, uid, where="file")
        return
    try:
        items = _list_of_raw.decode(data)
    except (msgspec.DecodeError, msgspec.ValidationError, RecursionError) as exc:
        yield 1, None, f"invalid JSON list: {exc}; fix the file or give it as JSONL", None
        return
    for index, item in enumerate(items, start=1):
        if _is_placeholder(item):
            stats.placeholders += 1
            continue
        yield index, bytes(item), None, None


def _unwrap_post(line: int, data: bytes, uid: str | None, *, where: str) -> Record:
    """A ``.post`` wrapper gives its ``content``; a plain measurement is passed on as it is."""
    try:
        post = _post.decode(data)
    except (msgspec.DecodeError, msgspec.ValidationError):
        if uid is None:
            return line, data, None, None  # not a wrapper: the parser reports what is wrong
        return line, None, f'{where}: not a JSON submission ({{"format", "content"}})', uid
    if post.test_name is not msgspec.UNSET or not len(post.content):
        return line, data, None, uid  # a measurement itself (or no wrapper at all)
    if (post.format or "").lower() != "json":
        return line, None, f"{where}: submission format {post.format!r} is not read (only json)", uid
    return line, bytes(post.content), None, uid


def _postcan(path: Path, gz: bool) -> Iterator[Record]:
    """Members of an OONI postcan, in archive order; a cut archive ends with one error record."""
    index = 0
    try:
        raw = _GzipReader(path) if gz else open(path, "rb")  # _GzipReader: keeps all before a cut
        with raw:
            for name, data in _tar_members(raw):
                index += 1
                base = name.rsplit("/", 1)[-1]
                where = f"member {name}"
                if not base.endswith(".post"):
                    yield index, None, f"{where}: not a .post submission (skipped)", None
                    continue
                yield _unwrap_post(index, data, base[: -len(".post")], where=where)
    except _STREAM_ERRORS as exc:
        what = "gzip stream" if gz else "tar archive"
        yield (
            index + 1,
            None,
            (
                f"{what} unreadable after member {index} ({type(exc).__name__}: {exc}); the postcan is "
                "truncated or corrupt: members before this one were kept, re-download the file"
            ),
            None,
        )


_BLOCK = 512


def _tar_members(fh) -> Iterator[tuple[str, bytes]]:
    """(name, bytes) of each regular file of a tar stream (ustar, pax and GNU long names).

    ``tarfile`` spends more time on each small member's headers (OONI's long member names need a
    pax header each) than the parser does on its JSON; this reads the same format sequentially
    from large reads. A bad header checksum or an archive that ends inside a member raises
    ``tarfile.ReadError``.
    """
    buf = bytearray()
    pos = 0
    done = False

    def fill(need: int) -> bool:
        nonlocal buf, pos, done
        if pos > CHUNK:
            del buf[:pos]
            pos = 0
        while len(buf) - pos < need and not done:
            piece = fh.read(CHUNK)
            if not piece:
                done = True
            buf += piece
        return len(buf) - pos >= need

    long_name: str | None = None
    while True:
        if not fill(_BLOCK):
            if len(buf) == pos:
                return  # ended without the two zero blocks: accepted, as tarfile does
            raise tarfile.ReadError("archive ends inside a header")
        header = bytes(buf[pos : pos + _BLOCK])
        if header == bytes(_BLOCK):
            return
        stored = header[148:156].split(b"\0", 1)[0].strip()
        if not stored or int(stored, 8) != sum(header[:148]) + 256 + sum(header[156:]):
            raise tarfile.ReadError(f"bad header checksum after {pos} bytes")
        size_field = header[124:136]
        if size_field[0] & 0x80:  # base-256 (GNU) for sizes over 8 GiB
            size = int.from_bytes(size_field[1:], "big")
        else:
            size = int(size_field.split(b"\0", 1)[0].strip() or b"0", 8)
        kind = header[156:157]
        name = header[:100].split(b"\0", 1)[0].decode("utf-8", "replace")
        if header[257:262] == b"ustar" and header[345:500].strip(b"\0"):
            name = header[345:500].split(b"\0", 1)[0].decode("utf-8", "replace") + "/" + name
        pos += _BLOCK
        padded = -(-size // _BLOCK) * _BLOCK
        if not fill(size):
            raise tarfile.ReadError(f"archive ends inside member {long_name or name}")
        data = bytes(buf[pos : pos + size])
        fill(padded)
        pos += min(padded, len(buf) - pos)
        if kind == b"x":  # pax extended header: "<len> key=value\n" records for the next member
            for record in data.split(b"\n"):
                key, _, value = record.partition(b" ")[2].partition(b"=")
                if key == b"path":
                    long_name = value.decode("utf-8", "replace")
        elif kind == b"L":  # GNU long name for the next member
            long_name = data.rstrip(b"\0").decode("utf-8", "replace")
        elif kind in (b"0", b"\0", b"7"):
            yield (long_name or name), data
            long_name = None
        elif kind != b"g":  # directories, links and the like carry no submission
            long_name = None
