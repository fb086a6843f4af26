"""Faults that must be clear errors or be recovered from (issue 13): cache manifest, read-only or
full disks, deeply nested JSON. Each runs in a temporary copy of what it touches."""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from claimaudit.cli import app
from claimaudit.datasets import sources

PINNED = ("acsac-pakistan", "tor-relay-users")


def _no_traceback(result) -> None:
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)


@pytest.mark.parametrize(
    "broken",
    [
        '{"version": 1, "entries": [1, 2]}',
        '{"version": 1, "entries": {"https://example.org/x": {"sha256": "ab"}}}',
        "[]",
        "{not json",
        '{"version": 1, "entries": {"https://example.org/x": {"path": "../../etc/passwd", "sha256": "ab"}}}',
    ],
)
def test_a_malformed_cache_manifest_is_rebuilt_from_the_files_not_fatal(mirror, isolated_cache, broken, capsys):
    got = sources.fetch_resource(*PINNED, offline=True)
    assert got.origin == "mirror"
    manifest = isolated_cache / "manifest.json"
    manifest.write_text(broken, encoding="utf-8")
    # check and audit read the manifest (provenance); fetch records into it
    again = sources.fetch_resource(*PINNED, offline=True, mirror=mirror)
    assert again.path == got.path and again.sha256 == got.sha256
    entries = json.loads(manifest.read_text(encoding="utf-8"))["entries"]
    assert entries[got.url]["path"] == got.entry["path"]  # rebuilt from the cached file
    assert (isolated_cache / "manifest.json.broken").read_text(encoding="utf-8") == broken
    assert "cache manifest" in capsys.readouterr().err
    # and without the mirror, the cached file alone is enough
    manifest.write_text(broken, encoding="utf-8")
    assert sources.fetch_resource(*PINNED, offline=True, mirror=isolated_cache / "no-mirror").origin == "cache"
    result = CliRunner().invoke(app, ["fetch", "--offline"])
    _no_traceback(result)
    assert "Traceback" not in result.output


def _raise_on_write(monkeypatch, code: int, folder: Path) -> None:
    """Every staged write into ``folder`` fails as a read-only file system or a full disk would."""
    import claimaudit._io as io_module

    real = io_module.tempfile.mkstemp

    def mkstemp(*args, **kwargs):
        where = Path(kwargs.get("dir") or ".").resolve()
        if where == folder.resolve() or folder.resolve() in where.parents:
            raise OSError(code, os.strerror(code), str(where))
        return real(*args, **kwargs)

    monkeypatch.setattr(io_module.tempfile, "mkstemp", mkstemp)


@pytest.mark.parametrize("code", [errno.EROFS, errno.ENOSPC])
def test_audit_into_a_read_only_or_full_folder_says_which_path_and_why(tmp_path, monkeypatch, code):
    from claimaudit.cli import _audit

    monkeypatch.setattr(_audit, "refuse_failed_data", lambda: None)  # the suites are tested elsewhere
    out = tmp_path / "out"
    out.mkdir()
    _raise_on_write(monkeypatch, code, out)
    result = CliRunner().invoke(app, ["audit", "--out", str(out)])
    _no_traceback(result)
    assert result.exit_code == 2
    assert str(out) in result.output and ("read-only" in result.output or "no space" in result.output)
    assert "What to do" in result.output


@pytest.mark.parametrize("code", [errno.EROFS, errno.ENOSPC])
def test_ooni_parse_into_a_read_only_or_full_folder_says_which_path_and_why(tmp_path, monkeypatch, code):
    source = tmp_path / "in.jsonl"
    source.write_text("{}\n", encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    _raise_on_write(monkeypatch, code, out)
    result = CliRunner().invoke(app, ["ooni", "parse", str(source), "--out", str(out / "parsed.csv")])
    _no_traceback(result)
    assert result.exit_code == 2 and str(out) in result.output


@pytest.mark.parametrize("code", [errno.EROFS, errno.ENOSPC])
def test_fetch_offline_into_a_read_only_or_full_cache_says_which_path_and_why(
    mirror, isolated_cache, monkeypatch, code
):
    isolated_cache.mkdir(parents=True)
    _raise_on_write(monkeypatch, code, isolated_cache)

    def copy_fails(*args, **kwargs):
        raise OSError(code, os.strerror(code), str(isolated_cache / "files"))

    monkeypatch.setattr("shutil.copyfile", copy_fails)
    result = CliRunner().invoke(app, ["fetch", "--offline"])
    _no_traceback(result)
    assert str(isolated_cache) in result.output


def test_check_into_a_read_only_folder_says_which_path_and_why(tmp_path, monkeypatch):
    import claimaudit.quality._engine as engine

    out = tmp_path / "ro"

    def mkdtemp(*args, **kwargs):
        raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(kwargs.get("dir")))

    monkeypatch.setattr(engine.tempfile, "mkdtemp", mkdtemp)
    result = CliRunner().invoke(app, ["check", "-s", "events", "--out", str(out / "checks")])
    _no_traceback(result)
    assert result.exit_code == 2 and str(out) in result.output and "read-only" in result.output


def test_deeply_nested_json_is_one_parse_error_row_not_a_recursion_error(tmp_path):
    import polars as pl

    source = tmp_path / "nested.jsonl"
    source.write_text(
        '{"measurement_uid": "synthetic-ok"}\n' + "[" * 100000 + "\n" + '{"a": ' * 50000 + "1" + "}" * 50000 + "\n",
        encoding="utf-8",
    )
    out = tmp_path / "parsed.csv"
    result = CliRunner().invoke(app, ["ooni", "parse", str(source), "--out", str(out)])
    _no_traceback(result)
    assert result.exit_code in (0, 1), result.output
    frame = pl.read_csv(out, infer_schema=False)
    assert frame.height == 3
    errors = frame["parse_error"].to_list()
    assert "nested" not in (errors[0] or "") and all("nested too deeply" in e for e in errors[1:]), errors
