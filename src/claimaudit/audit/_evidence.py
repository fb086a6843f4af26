"""Where the audit gets its data: one small interface, two implementations.

:class:`LiveEvidence` reads the curated datasets and the third-party loaders
(``claimaudit.datasets.sources``, ``claimaudit.datasets.ooni_api``, ``claimaudit.datasets.tor_metrics``);
:class:`FrameEvidence` serves frames handed to it, for tests and notebooks:

>>> import polars as pl
>>> ev = FrameEvidence({"claims": pl.DataFrame({"claim_id": ["synthetic-a"]})})
>>> ev.dataset("claims").height
1

Every method raises :class:`~claimaudit.errors.FetchError` (third-party data) or
:class:`~claimaudit.errors.DataError` (a curated dataset) when the data is not there; the audit
records such evidence as missing, with the reason, and never crashes on it.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable, Mapping
from typing import Protocol

import polars as pl

from claimaudit.errors import DataError, FetchError


class NotProvided(DataError):
    """A hand-made evidence provider was given no frame for this dataset (tests, notebooks).

    Only this is treated as "no such data"; a real dataset that fails to load (hash mismatch,
    bad row) stops the audit with its own message.
    """


class CorpusNotBuiltError(FetchError):
    """The OONI raw corpus was asked for, but ``CLAIMAUDIT_OONI_CORPUS`` names none (nothing to read)."""


class EvidenceProvider(Protocol):
    offline: bool

    def dataset(self, name: str, resource: str | None = None) -> pl.DataFrame: ...

    def source(self, name: str, resource: str) -> pl.DataFrame: ...

    def ooni_aggregate(
        self, *, probe_cc: str, test_name: str, since: dt.date, until: dt.date, domain: str | None = None
    ) -> pl.DataFrame: ...

    def tor_users(self, *, country: str, start: dt.date, end: dt.date) -> pl.DataFrame: ...

    def ooni_corpus(
        self, *, probe_cc: str, test_names: list[str], since: dt.date, until: dt.date, domains: list[str] | None = None
    ) -> pl.DataFrame: ...


def _loader(module: str, attribute: str) -> Callable:
    package, _, name = module.rpartition(".")  # claimaudit.datasets.<alias>: an attribute of the package
    try:
        return getattr(getattr(importlib.import_module(package), name), attribute)
    except (ImportError, AttributeError):
        raise FetchError(
            f"the loader {module}.{attribute} is not available in this installation",
            hint="update claimaudit; until then this evidence is recorded as missing",
        ) from None


class LiveEvidence:
    """The project's own datasets and loaders. ``offline=True`` uses only cache and mirror."""

    def __init__(self, *, offline: bool = True) -> None:
        self.offline = offline
        self._cache: dict[tuple, pl.DataFrame] = {}

    def dataset(self, name: str, resource: str | None = None) -> pl.DataFrame:
        key = ("dataset", name, resource)
        if key not in self._cache:
            from claimaudit import datasets

            self._cache[key] = datasets.load(name, resource)
        return self._cache[key]

    def source(self, name: str, resource: str) -> pl.DataFrame:
        key = ("source", name, resource)
        if key not in self._cache:
            load = _loader("claimaudit.datasets.sources", "load")
            try:
                self._cache[key] = load(name, resource, offline=self.offline)
            except DataError as exc:  # a third-party file that cannot be read is missing evidence
                raise FetchError(f"{name}/{resource} could not be read: {exc}") from None
        return self._cache[key]

    def ooni_aggregate(
        self, *, probe_cc: str, test_name: str, since: dt.date, until: dt.date, domain: str | None = None
    ) -> pl.DataFrame:
        aggregate = _loader("claimaudit.datasets.ooni_api", "aggregate")
        kwargs = {"probe_cc": probe_cc, "test_name": test_name, "since": since, "until": until, "offline": self.offline}
        if domain:
            kwargs["domain"] = domain
        return aggregate(**kwargs)

    def tor_users(self, *, country: str, start: dt.date, end: dt.date) -> pl.DataFrame:
        userstats = _loader("claimaudit.datasets.tor_metrics", "userstats")
        return userstats(country=country, start=start, end=end, offline=self.offline)

    def ooni_corpus(
        self, *, probe_cc: str, test_names: list[str], since: dt.date, until: dt.date, domains: list[str] | None = None
    ) -> pl.DataFrame:
        """Summary rows (:mod:`claimaudit.datasets.ooni_corpus`) of the corpus at ``CLAIMAUDIT_OONI_CORPUS``."""
        from claimaudit.datasets import ooni_corpus

        folder = ooni_corpus.corpus_folder()
        if folder is None:
            raise CorpusNotBuiltError(
                "the OONI raw corpus is not built (CLAIMAUDIT_OONI_CORPUS is not set)",
                hint="build it: claimaudit ooni corpus --country PK --test-name ... --out DIR; "
                "then set CLAIMAUDIT_OONI_CORPUS=DIR",
            )
        key = ("ooni_corpus", str(folder), since, until)
        if key not in self._cache:
            self._cache[key] = ooni_corpus.summarize(folder, since=since, until=until)
        return select_corpus(self._cache[key], probe_cc=probe_cc, test_names=test_names, domains=domains)


class FrameEvidence:
    """Evidence from frames in memory (tests, notebooks, what-if analysis).

    ``frames`` maps a dataset name (``"claims"``, ``"claims/sources"``, ``"signals"``,
    ``"baselines"``) or a third-party source (``"cenalert-google-trends-vpn/pk"``) to a frame.
    ``ooni`` is a frame of aggregation rows (with a ``test_name`` column) or a function taking
    the same keywords as :meth:`ooni_aggregate`; ``tor`` a frame with ``date`` and ``users``.
    Anything not given is missing, as it would be offline.
    """

    def __init__(
        self,
        frames: Mapping[str, pl.DataFrame],
        *,
        ooni: pl.DataFrame | Callable | None = None,
        tor: pl.DataFrame | None = None,
        corpus: pl.DataFrame | None = None,
        offline: bool = True,
    ) -> None:
        self.frames = dict(frames)
        self.ooni = ooni
        self.tor = tor
        self.corpus = corpus  # summary rows of the raw corpus (claimaudit.datasets.ooni_corpus.summarize)
        self.offline = offline

    def dataset(self, name: str, resource: str | None = None) -> pl.DataFrame:
        key = f"{name}/{resource}" if resource and resource != name else name
        if key not in self.frames:
            raise NotProvided("not provided to FrameEvidence", dataset=key)
        return self.frames[key]

    def source(self, name: str, resource: str) -> pl.DataFrame:
        key = f"{name}/{resource}"
        if key not in self.frames:
            raise FetchError(f"{key} is not available offline (not provided)")
        return self.frames[key]

    def ooni_aggregate(
        self, *, probe_cc: str, test_name: str, since: dt.date, until: dt.date, domain: str | None = None
    ) -> pl.DataFrame:
        if self.ooni is None:
            raise FetchError(f"OONI aggregation for {test_name} in {probe_cc} is not available offline")
        if callable(self.ooni):
            return self.ooni(probe_cc=probe_cc, test_name=test_name, since=since, until=until, domain=domain)
        frame = self.ooni
        if "test_name" in frame.columns:
            frame = frame.filter(pl.col("test_name") == test_name)
        return frame

    def tor_users(self, *, country: str, start: dt.date, end: dt.date) -> pl.DataFrame:
        if self.tor is None:
            raise FetchError(f"Tor Metrics users for {country} are not available offline")
        return self.tor

    def ooni_corpus(
        self, *, probe_cc: str, test_names: list[str], since: dt.date, until: dt.date, domains: list[str] | None = None
    ) -> pl.DataFrame:
        if self.corpus is None:
            raise FetchError("the OONI raw corpus is not built (not provided)")
        rows = self.corpus.filter((pl.col("day") >= since) & (pl.col("day") < until))
        return select_corpus(rows, probe_cc=probe_cc, test_names=test_names, domains=domains)


def select_corpus(
    summary: pl.DataFrame, *, probe_cc: str, test_names: list[str], domains: list[str] | None
) -> pl.DataFrame:
    """The summary rows of one country, some tests and (for web tests) some domains.

    A domain matches itself and its subdomains (``x.com`` matches ``www.x.com``).
    """
    rows = summary.filter((pl.col("probe_cc") == probe_cc) & pl.col("test_name").is_in(test_names))
    if domains:
        wanted = [d.lower() for d in domains]
        host = pl.col("domain").fill_null("")
        match = pl.any_horizontal([(host == d) | host.str.ends_with("." + d) for d in wanted])
        rows = rows.filter(pl.col("tool").is_not_null() | match)
    return rows
