"""One anomaly-rate definition: the same measurements give the same rate through the audit, the
notebook views and the ACSAC extract's daily rate (and null, never 0, when none is usable)."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import polars as pl
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent / "audit"))
from test_audit import audit, denial, rule, spec  # noqa: E402

from claimaudit.datasets import ooni_api  # noqa: E402
from claimaudit.notebook import views  # noqa: E402

DAY = dt.date(2024, 11, 10)


def aggregation(ok: int, anomalies: int, confirmed: int, failures: int) -> pl.DataFrame:
    """One network, one day, one test: OONI aggregation counters."""
    return pl.DataFrame(
        [
            {
                "test_name": "tor",
                "measurement_start_day": DAY,
                "probe_asn": 17557,
                "measurement_count": ok + anomalies + confirmed + failures,
                "anomaly_count": anomalies,
                "confirmed_count": confirmed,
                "failure_count": failures,
                "ok_count": ok,
            }
        ]
    )


def audit_rate(frame: pl.DataFrame) -> float | None:
    claim = denial(day=DAY + dt.timedelta(days=5))
    verdict = audit(
        claim,
        rule(
            "evidence_vs_assertion",
            polarity={"vpns_not_blocked": "denies_blocking"},
            evidence=[spec("ooni_aggregation", test_names=["tor"])],
        ),
        ooni=frame,
    )[0]
    return verdict.figures["ooni_anomaly_rate"]


@pytest.mark.parametrize(("ok", "anomalies", "confirmed", "failures"), [(30, 8, 2, 10), (0, 0, 0, 6), (5, 0, 0, 0)])
def test_every_path_gives_the_same_rate(ok, anomalies, confirmed, failures):
    frame = aggregation(ok, anomalies, confirmed, failures)
    usable = ok + anomalies + confirmed
    expected = (anomalies + confirmed) / usable if usable else None
    assert frame.select(ooni_api.anomaly_rate()).item() == expected
    assert audit_rate(frame) == expected
    assert views.network_rates(frame)["rate"].item() == expected
    acsac = pl.DataFrame(
        {
            "date": [DAY],
            "ok": [ok],
            "dns": [anomalies + confirmed],
            "http": [0],
            "tls": [0],
            "error": [failures],
            "total": [usable],
        }
    )
    assert views.anomaly_rate(acsac)["anomaly_rate"].item() == expected
