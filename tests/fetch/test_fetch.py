"""The fetch layer against a real local HTTP server: cache, mirror, retries, and faults."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from claimaudit.errors import FetchError, HashMismatchError, NotAvailableError
from claimaudit.fetch import cache_path, cached_entry, fetch, mirror_path
from support.fake_servers import FakeServer, Reply

SYNTHETIC_BODY = b"date,value\n2024-11-01,1\n2024-11-02,2\n"
SYNTHETIC_SHA = hashlib.sha256(SYNTHETIC_BODY).hexdigest()


@pytest.fixture
def server():
    with FakeServer() as srv:
        yield srv


def _fetch(url: str, sleeps: list[float] | None = None, **kw):
    kw.setdefault("timeout", 2.0)
    kw.setdefault("max_retries", 3)
    return fetch(url, sleep=(sleeps if sleeps is not None else []).append, backoff=0.01, **kw)


def _leftovers(cache: Path) -> list[Path]:
    return [p for p in cache.rglob("*") if p.name.endswith(".part")]


def test_network_fetch_is_cached_with_a_manifest_entry(server, isolated_cache):
    server.route(
        "/synthetic.csv",
        Reply(body=SYNTHETIC_BODY, headers={"ETag": '"v1"', "Last-Modified": "Fri, 01 Nov 2024 00:00:00 GMT"}),
    )
    url = server.url + "/synthetic.csv"
    first = _fetch(url, sha256=SYNTHETIC_SHA)
    assert first.origin == "network"
    assert first.path.read_bytes() == SYNTHETIC_BODY
    entry = json.loads((isolated_cache / "manifest.json").read_text())["entries"][url]
    assert entry["status"] == 200 and entry["etag"] == '"v1"'
    assert entry["last_modified"] == "Fri, 01 Nov 2024 00:00:00 GMT"
    assert entry["bytes"] == len(SYNTHETIC_BODY) and entry["sha256"] == SYNTHETIC_SHA
    assert entry["origin"] == "network" and entry["retrieved_at"].endswith("Z")

    second = _fetch(url, sha256=SYNTHETIC_SHA, offline=True)
    assert second.origin == "cache" and second.path == first.path
    assert len(server.hits("/synthetic.csv")) == 1


def test_500_then_200_is_retried_with_backoff(server, isolated_cache):
    server.route("/flaky.csv", [Reply(500, b"oops"), Reply(503, b"busy"), Reply(body=SYNTHETIC_BODY)])
    sleeps: list[float] = []
    result = _fetch(server.url + "/flaky.csv", sleeps)
    assert result.read_bytes() == SYNTHETIC_BODY
    assert sleeps == [0.01, 0.02]  # exponential
    assert len(server.hits("/flaky.csv")) == 3


def test_429_honours_retry_after(server, isolated_cache):
    server.route("/limited", [Reply(429, b"slow down", {"Retry-After": "7"}), Reply(body=SYNTHETIC_BODY)])
    sleeps: list[float] = []
    assert _fetch(server.url + "/limited", sleeps).read_bytes() == SYNTHETIC_BODY
    assert sleeps == [7.0]


def test_persistent_5xx_gives_up_with_a_clear_error_and_caches_nothing(server, isolated_cache):
    server.route("/down", Reply(502, b"bad gateway"))
    with pytest.raises(FetchError, match=r"gave up after 4 attempt\(s\): HTTP 502") as info:
        _fetch(server.url + "/down")
    assert server.url + "/down" in str(info.value)
    assert len(server.hits("/down")) == 4
    assert cached_entry(server.url + "/down") is None


def test_timeout_is_retried(server, isolated_cache):
    server.route("/slow", [Reply(body=SYNTHETIC_BODY, delay=1.0), Reply(body=SYNTHETIC_BODY)])
    result = _fetch(server.url + "/slow", timeout=0.2)
    assert result.read_bytes() == SYNTHETIC_BODY
    assert len(server.hits("/slow")) == 2


def test_truncated_body_never_enters_the_cache(server, isolated_cache):
    server.route("/cut.csv", Reply(body=SYNTHETIC_BODY, truncate_to=10))
    with pytest.raises(FetchError, match="truncated|connection broken"):
        _fetch(server.url + "/cut.csv", max_retries=1)
    assert not cache_path(server.url + "/cut.csv").exists()
    assert cached_entry(server.url + "/cut.csv") is None
    assert _leftovers(isolated_cache) == []


def test_truncated_then_complete_body_is_kept(server, isolated_cache):
    server.route("/cut.csv", [Reply(body=SYNTHETIC_BODY, truncate_to=10), Reply(body=SYNTHETIC_BODY)])
    assert _fetch(server.url + "/cut.csv").read_bytes() == SYNTHETIC_BODY


def test_hash_mismatch_is_refused_and_not_cached(server, isolated_cache):
    server.route("/changed.csv", Reply(body=SYNTHETIC_BODY + b"2024-11-03,3\n"))
    with pytest.raises(HashMismatchError, match="sha256 mismatch"):
        _fetch(server.url + "/changed.csv", sha256=SYNTHETIC_SHA)
    assert not cache_path(server.url + "/changed.csv").exists()
    assert not (isolated_cache / "manifest.json").exists()
    assert len(server.hits("/changed.csv")) == 1  # not retried


def test_404_is_not_retried(server, isolated_cache):
    with pytest.raises(FetchError, match="HTTP 404"):
        _fetch(server.url + "/missing")
    assert len(server.hits("/missing")) == 1


def test_validator_rejection_keeps_the_body_out_of_the_cache(server, isolated_cache):
    server.route("/err", Reply.json({"error": "synthetic"}))

    def reject(path: Path) -> None:
        raise FetchError("synthetic rejection of " + path.read_text())

    with pytest.raises(FetchError, match="synthetic rejection"):
        _fetch(server.url + "/err", validate=reject)
    assert cached_entry(server.url + "/err") is None
    assert _leftovers(isolated_cache) == []


def test_corrupted_cache_file_is_fetched_again(server, isolated_cache):
    server.route("/s.csv", Reply(body=SYNTHETIC_BODY))
    url = server.url + "/s.csv"
    first = _fetch(url)
    first.path.write_bytes(b"tampered")
    again = _fetch(url)
    assert again.origin == "network" and again.read_bytes() == SYNTHETIC_BODY
    assert len(server.hits("/s.csv")) == 2


def test_mirror_maps_host_and_path_and_is_copied_into_the_cache(tmp_path, isolated_cache):
    url = "https://raw.githubusercontent.com/synthetic/repo/abc123/lists/pk.csv"
    mirror = tmp_path / "mirror"
    target = mirror / "raw.githubusercontent.com/synthetic/repo/abc123/lists/pk.csv"
    assert mirror_path(url, mirror) == target
    target.parent.mkdir(parents=True)
    target.write_bytes(SYNTHETIC_BODY)
    result = fetch(url, sha256=f"sha256:{SYNTHETIC_SHA}", offline=True, mirror=mirror)
    assert result.origin == "mirror" and result.entry["origin"] == "mirror"
    assert result.path.is_relative_to(isolated_cache)
    target.unlink()  # the cache now holds it
    assert fetch(url, offline=True).origin == "cache"


def test_mirror_query_strings_map_to_a_sorted_sha1_suffix(tmp_path, isolated_cache):
    a = "https://api.ooni.io/api/v1/aggregation?probe_cc=PK&test_name=tor&format=CSV"
    b = "https://api.ooni.io/api/v1/aggregation?format=CSV&test_name=tor&probe_cc=PK"
    path = mirror_path(a, tmp_path)
    sha1 = hashlib.sha1(b"format=CSV&probe_cc=PK&test_name=tor").hexdigest()
    assert path == tmp_path / "api.ooni.io/api/v1" / f"aggregation__q_{sha1}"
    assert mirror_path(b, tmp_path) == path
    assert mirror_path("https://api.ooni.io/api/v1/aggregation?probe_cc=IR", tmp_path) != path
    path.parent.mkdir(parents=True)
    path.write_bytes(SYNTHETIC_BODY)
    assert fetch(b, offline=True, mirror=tmp_path).read_bytes() == SYNTHETIC_BODY


def test_mirror_with_a_port_trailing_slash_and_unsafe_paths(tmp_path):
    assert mirror_path("http://127.0.0.1:8080/a/", tmp_path) == tmp_path / "127.0.0.1_8080/a/__index"
    with pytest.raises(ValueError, match="safely"):
        mirror_path("https://h.example/a/../../etc/passwd", tmp_path)


def test_mirror_hash_mismatch_offline_is_refused(tmp_path, isolated_cache):
    url = "https://h.example/synthetic.csv"
    (tmp_path / "h.example").mkdir()
    (tmp_path / "h.example/synthetic.csv").write_bytes(b"not the pinned bytes\n")
    with pytest.raises(HashMismatchError, match="mirror copy"):
        fetch(url, sha256=SYNTHETIC_SHA, offline=True, mirror=tmp_path)
    assert not cache_path(url).exists() and _leftovers(isolated_cache) == []


def test_mirror_hash_mismatch_online_falls_back_to_the_network(server, tmp_path, isolated_cache):
    server.route("/s.csv", Reply(body=SYNTHETIC_BODY))
    url = server.url + "/s.csv"
    wrong = mirror_path(url, tmp_path)
    wrong.parent.mkdir(parents=True)
    wrong.write_bytes(b"stale\n")
    result = _fetch(url, sha256=SYNTHETIC_SHA, mirror=tmp_path)
    assert result.origin == "network" and result.read_bytes() == SYNTHETIC_BODY


def test_offline_without_cache_or_mirror_says_how_to_supply_it(isolated_cache, monkeypatch):
    monkeypatch.delenv("CLAIMAUDIT_MIRROR", raising=False)
    url = "https://metrics.torproject.org/userstats-relay-country.csv?country=pk"
    with pytest.raises(NotAvailableError) as info:
        fetch(url, offline=True)
    text = str(info.value)
    assert url in text and "CLAIMAUDIT_MIRROR" in text and "claimaudit fetch" in text


def test_offline_with_a_mirror_folder_that_does_not_exist_says_so(isolated_cache, monkeypatch, tmp_path):
    monkeypatch.setenv("CLAIMAUDIT_MIRROR", str(tmp_path / "synthetic-typo"))
    with pytest.raises(NotAvailableError, match="the mirror folder .*synthetic-typo does not exist"):
        fetch("https://metrics.torproject.org/userstats-relay-country.csv", offline=True)
    (tmp_path / "synthetic-typo").mkdir()
    with pytest.raises(NotAvailableError) as info:
        fetch("https://metrics.torproject.org/userstats-relay-country.csv", offline=True)
    assert "does not exist" not in str(info.value)


def test_offline_with_a_cached_copy_of_another_pin_says_the_pin_changed(server, isolated_cache, monkeypatch):
    monkeypatch.delenv("CLAIMAUDIT_MIRROR", raising=False)
    url = server.url + "/pinned.csv"
    server.route("/pinned.csv", Reply(body=SYNTHETIC_BODY))
    _fetch(url, sha256=SYNTHETIC_SHA)
    repinned = hashlib.sha256(b"synthetic: the publisher's new file").hexdigest()
    with pytest.raises(NotAvailableError, match="the pin changed") as info:
        fetch(url, sha256=repinned, offline=True)
    assert SYNTHETIC_SHA[:12] in str(info.value) and repinned[:12] in str(info.value)


def test_offline_from_the_environment(isolated_cache, monkeypatch):
    monkeypatch.delenv("CLAIMAUDIT_MIRROR", raising=False)
    monkeypatch.setenv("CLAIMAUDIT_OFFLINE", "1")
    with pytest.raises(NotAvailableError):
        fetch("http://127.0.0.1:9/never-contacted")


def test_a_failed_refresh_leaves_the_cached_copy_and_manifest_untouched(server, isolated_cache):
    url = server.url + "/live.csv"
    server.route("/live.csv", Reply(body=SYNTHETIC_BODY))
    first = _fetch(url)
    manifest_before = (isolated_cache / "manifest.json").read_bytes()
    server.route("/live.csv", Reply(body=SYNTHETIC_BODY * 3, truncate_to=5))
    with pytest.raises(FetchError):
        _fetch(url, refresh=True, max_retries=1)
    assert first.path.read_bytes() == SYNTHETIC_BODY
    assert (isolated_cache / "manifest.json").read_bytes() == manifest_before
    assert _leftovers(isolated_cache) == []


def test_retry_after_as_an_http_date_is_honoured(server, isolated_cache):
    import datetime as dt
    from email.utils import format_datetime

    when = format_datetime(dt.datetime.now(dt.UTC) + dt.timedelta(seconds=30), usegmt=True)
    server.route("/limited", [Reply(429, b"", {"Retry-After": when}), Reply(body=SYNTHETIC_BODY)])
    sleeps: list[float] = []
    _fetch(server.url + "/limited", sleeps)
    assert len(sleeps) == 1 and 25 <= sleeps[0] <= 30


def test_retry_after_as_a_date_without_a_zone_is_read_as_utc(server, isolated_cache):
    import datetime as dt

    later = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=30)
    when = later.strftime("%a, %d %b %Y %H:%M:%S -0000")  # parses to a naive datetime
    server.route("/limited", [Reply(429, b"", {"Retry-After": when}), Reply(body=SYNTHETIC_BODY)])
    sleeps: list[float] = []
    _fetch(server.url + "/limited", sleeps)
    assert len(sleeps) == 1 and 25 <= sleeps[0] <= 30


def test_recording_collects_what_each_fetch_did(server, isolated_cache):
    from claimaudit.fetch import recording

    server.route("/a.csv", Reply(body=SYNTHETIC_BODY))
    with recording() as seen:
        _fetch(server.url + "/a.csv")
        _fetch(server.url + "/a.csv")
    assert [r.origin for r in seen] == ["network", "cache"]


def test_an_unreachable_host_is_not_retried_again_in_the_same_run(isolated_cache, monkeypatch):
    from claimaudit.fetch import _download as download

    monkeypatch.setattr(download, "_UNREACHABLE", set())
    sleeps: list[float] = []
    with pytest.raises(FetchError, match="gave up after 3 attempt"):
        _fetch("http://127.0.0.1:9/synthetic-a.csv", sleeps, max_retries=2)
    assert len(sleeps) == 2
    with pytest.raises(FetchError, match="could not be reached earlier in this run"):
        _fetch("http://127.0.0.1:9/synthetic-b.csv", sleeps, max_retries=2)
    assert len(sleeps) == 2  # no new waiting


def test_a_host_that_does_not_resolve_fails_at_once(isolated_cache, monkeypatch):
    from claimaudit.fetch import _download as download

    monkeypatch.setattr(download, "_UNREACHABLE", set())
    sleeps: list[float] = []
    with pytest.raises(FetchError, match="cannot resolve synthetic.invalid"):
        _fetch("https://synthetic.invalid/x.csv", sleeps)
    assert sleeps == [] and cached_entry("https://synthetic.invalid/x.csv") is None


def test_a_non_http_url_is_a_fetch_error(isolated_cache):
    with pytest.raises(FetchError, match="not an http"):
        fetch("ftp://synthetic.example/x.csv", offline=True)


# --------------------------------------------------------------------------- properties of the layout

from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_params = st.lists(
    st.tuples(st.text("abcxyz_", min_size=1, max_size=5), st.text("0123456789,.-", max_size=6)),
    min_size=1,
    max_size=5,
    unique_by=lambda kv: kv[0],
)


@given(_params, st.randoms())
def test_mirror_paths_ignore_parameter_order(params, rnd):
    from urllib.parse import urlencode

    shuffled = list(params)
    rnd.shuffle(shuffled)
    a = mirror_path("https://api.example/v1/x?" + urlencode(params), "/m")
    b = mirror_path("https://api.example/v1/x?" + urlencode(shuffled), "/m")
    assert a == b and a.parent == Path("/m/api.example/v1") and a.name.startswith("x__q_")


@given(
    st.lists(st.text("abc-_.", min_size=1, max_size=6).filter(lambda s: s not in (".", "..")), min_size=1, max_size=4)
)
def test_mirror_paths_stay_inside_the_mirror(segments):
    path = mirror_path("https://host.example/" + "/".join(segments), "/m")
    assert path.is_relative_to("/m/host.example") and ".." not in path.parts


def test_mirror_copies_in_a_session_are_recorded_once_at_its_end_even_when_interrupted(
    tmp_path, isolated_cache, server, monkeypatch
):
    from claimaudit.fetch import _manifest, asking_once

    mirror = tmp_path / "mirror"
    urls = [f"https://raw.githubusercontent.com/synthetic/repo/abc/file{i}.csv" for i in range(4)]
    for url in urls:
        mirror_path(url, mirror).parent.mkdir(parents=True, exist_ok=True)
        mirror_path(url, mirror).write_bytes(SYNTHETIC_BODY)
    writes: list[list[str]] = []
    real_write = _manifest._write

    def counted(cache, entries):
        writes.append(sorted(entries))
        real_write(cache, entries)

    monkeypatch.setattr(_manifest, "_write", counted)
    manifest_file = isolated_cache / "manifest.json"

    with asking_once():
        for url in urls[:2]:
            assert fetch(url, sha256=SYNTHETIC_SHA, offline=True, mirror=mirror).origin == "mirror"
        assert writes == [] and not manifest_file.exists()
        assert cached_entry(urls[0])["origin"] == "mirror"  # seen at once in this process
        assert fetch(urls[0], sha256=SYNTHETIC_SHA, offline=True, mirror=mirror).origin == "cache"
        # an answer from the network is written at once, with the copies recorded so far
        server.route("/synthetic.csv", Reply(body=SYNTHETIC_BODY))
        _fetch(server.url + "/synthetic.csv", sha256=SYNTHETIC_SHA)
        assert writes == [sorted([*urls[:2], server.url + "/synthetic.csv"])]
        fetch(urls[2], sha256=SYNTHETIC_SHA, offline=True, mirror=mirror)
    assert len(writes) == 2 and urls[2] in json.loads(manifest_file.read_text())["entries"]

    with pytest.raises(KeyboardInterrupt), asking_once():
        fetch(urls[3], sha256=SYNTHETIC_SHA, offline=True, mirror=mirror)
        raise KeyboardInterrupt
    assert urls[3] in json.loads(manifest_file.read_text())["entries"]
    assert len(writes) == 3 and _manifest._PENDING == {}
