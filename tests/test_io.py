"""Atomic writes: all or nothing, with ordinary file permissions."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from claimaudit._io import atomic_write, sha256_file, write_text_atomic


def test_failed_write_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    target.write_text("old", encoding="utf-8")
    with pytest.raises(RuntimeError):
        with atomic_write(target) as fh:
            fh.write("half")
            raise RuntimeError("interrupted")
    assert target.read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html"]


def test_written_file_is_readable_by_others_per_umask(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        write_text_atomic(tmp_path / "index.html", "<p>hi</p>")
    finally:
        os.umask(old)
    mode = stat.S_IMODE((tmp_path / "index.html").stat().st_mode)
    assert mode == 0o644


def test_sha256_file(tmp_path: Path) -> None:
    (tmp_path / "a").write_bytes(b"abc")
    assert sha256_file(tmp_path / "a") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


@pytest.mark.parametrize("name", ["out.csv", "out.parquet", "OUT.CSV"])
def test_write_frame_round_trips_by_suffix(tmp_path: Path, name: str) -> None:
    import polars as pl

    from claimaudit._io import write_frame

    frame = pl.DataFrame({"day": ["2024-11-10"], "n": [3]})
    path = write_frame(frame, tmp_path / name)
    back = pl.read_parquet(path) if name.endswith(".parquet") else pl.read_csv(path)
    assert back.to_dicts() == [{"day": "2024-11-10", "n": 3}]


def test_write_frame_refuses_other_suffixes_and_writes_nothing(tmp_path: Path) -> None:
    import polars as pl

    from claimaudit._io import write_frame
    from claimaudit.errors import DataError

    with pytest.raises(DataError, match=r"\.csv or \.parquet"):
        write_frame(pl.DataFrame({"n": [1]}), tmp_path / "out.xlsx")
    assert list(tmp_path.iterdir()) == []
