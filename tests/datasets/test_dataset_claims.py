"""Data tests for the curated claims ledger (``datasets/claims/``).

These read the shipped files, not fixtures: they fail when a row is mistyped, a source is
orphaned, a headline figure disappears or is "corrected", or the Frictionless descriptor no
longer matches the data.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import polars as pl
import pytest
import yaml
from frictionless import validate

from claimaudit import datasets, paths

PACKAGE = paths.datasets_dir() / "claims" / "datapackage.json"
NOV_13 = "pta-press-2024-11-13"
DAWN = "https://www.dawn.com/news/1872252"

# Research rows the research notes mark low (blogs, undated, single partisan source): they stay low.
LOW_IN_RESEARCH = {f"BLK{n:03d}" for n in [*range(16, 25), *range(98, 106), 112]} | {"VPN009", "VPN015", "VPN020"}
PRIMARY_RESEARCH = re.compile(r"^research: ((?:BLK|VPN)\d{3}(?:, (?:BLK|VPN)\d{3})*)(?:\.| \()")


@pytest.fixture(scope="module")
def claims() -> pl.DataFrame:
    return datasets.load("claims")


@pytest.fixture(scope="module")
def sources() -> pl.DataFrame:
    return datasets.load("claims", "sources")


def test_columns_are_typed_from_the_schema(claims: pl.DataFrame, sources: pl.DataFrame) -> None:
    assert claims.schema["statement_date"] == pl.Date
    assert claims.schema["period_start"] == pl.Date
    assert claims.schema["period_end"] == pl.Date
    assert claims.schema["value"] == pl.Float64
    assert claims.schema["claim_id"] == pl.String
    assert sources.schema["publication_date"] == pl.Date
    assert claims.height > 100 and sources.height >= claims.height


def test_every_claim_has_a_source_and_every_source_a_claim(claims: pl.DataFrame, sources: pl.DataFrame) -> None:
    unsourced = claims.join(sources, on="claim_id", how="anti")["claim_id"].to_list()
    orphans = sources.join(claims, on="claim_id", how="anti")["claim_id"].to_list()
    assert unsourced == []
    assert orphans == []
    assert claims["claim_id"].is_unique().all()
    assert sources.select("claim_id", "url").is_unique().all()


def test_november_2024_statement_figures_come_from_dawn(claims: pl.DataFrame, sources: pl.DataFrame) -> None:
    dawn = claims.join(sources.filter(pl.col("url") == DAWN), on="claim_id")
    for figure in (100183, 844008, 20000000):
        rows = dawn.filter((pl.col("value") == figure) & (pl.col("statement_id") == NOV_13))
        assert rows.height == 1, f"{figure} from {DAWN} in statement {NOV_13}"
        assert rows["statement_date"].cast(pl.String).to_list() == ["2024-11-13"]
    attempts = claims.filter((pl.col("statement_id") == NOV_13) & (pl.col("value") == 20000000)).row(0, named=True)
    assert (attempts["subject"], attempts["metric"], attempts["unit"]) == (
        "gateway_attempts",
        "access_attempts_blocked",
        "attempts",
    )
    assert (attempts["period"], attempts["scope"], attempts["qualifier"]) == (
        "per_day",
        "international_gateway",
        "about",
    )
    printed = dawn.filter(pl.col("value") == 100183)["figure_as_printed"].to_list()
    assert printed == ["100,183"]


def test_november_2024_statement_is_complete(claims: pl.DataFrame) -> None:
    nov = claims.filter(pl.col("statement_id") == NOV_13)
    assertions = set(nov.filter(pl.col("kind") == "assertion")["assertion"].to_list())
    assert {"vpns_to_be_restricted", "vpn_registration_portal"} <= assertions
    portal = nov.filter(pl.col("assertion") == "vpn_registration_portal")["wording"].to_list()
    assert portal == ["ipregistration.pta.gov.pk"]
    letter = claims.filter(pl.col("statement_id") == "moi-letter-2024-11-15")
    assert set(letter["assertion"].to_list()) == {"block_illegal_vpns", "vpn_registration_deadline"}
    deadline = letter.filter(pl.col("assertion") == "vpn_registration_deadline")
    assert deadline["period_end"].cast(pl.String).to_list() == ["2024-11-30"]


def test_transcription_variants_are_separate_claims_of_one_statement(claims: pl.DataFrame) -> None:
    registered = claims.filter(
        pl.col("value").is_in([31000.0, 33000.0]) & (pl.col("statement_date").cast(pl.String) == "2024-12-16")
    )
    assert sorted(registered["value"].to_list()) == [31000.0, 33000.0]
    assert registered["statement_id"].n_unique() == 1
    blasphemy = claims.filter((pl.col("statement_id") == NOV_13) & (pl.col("category") == "blasphemy"))
    assert sorted(blasphemy["value"].to_list()) == [100183.0, 101083.0, 180000.0]


def test_differing_figures_within_a_statement_are_flagged_as_variants(claims: pl.DataFrame) -> None:
    same_thing = ["statement_id", "metric", "category", "scope", "unit", "verb", "period"]
    groups = (
        claims.filter(pl.col("kind") != "assertion")
        .group_by(same_thing)
        .agg(pl.col("value").n_unique().alias("figures"), pl.col("claim_id"), pl.col("notes"))
        .filter(pl.col("figures") > 1)
    )
    assert groups.height >= 5
    silent = groups.explode("claim_id", "notes").filter(~pl.col("notes").str.to_lowercase().str.contains("variant"))
    assert silent["claim_id"].to_list() == []


def test_contract_rules_hold_row_by_row(claims: pl.DataFrame) -> None:
    figures = pl.col("kind").is_in(["count", "ratio"])
    broken = {
        "count or ratio without a value": claims.filter(figures & pl.col("value").is_null()),
        "assertion with a value or qualifier": claims.filter(
            (pl.col("kind") == "assertion") & (pl.col("value").is_not_null() | pl.col("qualifier").is_not_null())
        ),
        "assertion without a label or with a unit": claims.filter(
            (pl.col("kind") == "assertion") & (pl.col("assertion").is_null() | (pl.col("unit") != "none"))
        ),
        "unknown precision with a date, or a date missing": claims.filter(
            (pl.col("date_precision") == "unknown") != pl.col("statement_date").is_null()
        ),
        "month precision not on the 1st": claims.filter(
            (pl.col("date_precision") == "month") & (pl.col("statement_date").dt.day() != 1)
        ),
        "period ends before it starts": claims.filter(pl.col("period_end") < pl.col("period_start")),
        "percent above 100": claims.filter((pl.col("unit") == "percent") & (pl.col("value") > 100)),
        "a 20 million figure outside gateway_attempts": claims.filter(
            (pl.col("value") == 20000000) & (pl.col("subject") != "gateway_attempts")
        ),
    }
    assert {problem: frame["claim_id"].to_list() for problem, frame in broken.items() if frame.height} == {}


def test_every_research_row_is_traceable(claims: pl.DataFrame) -> None:
    mentioned = set(claims["notes"].str.extract_all(r"(?:BLK|VPN)\d{3}").explode().drop_nulls().to_list())
    expected = {f"BLK{n:03d}" for n in range(1, 114)} | {f"VPN{n:03d}" for n in range(1, 25)}
    assert expected - mentioned == set()


def test_low_confidence_research_rows_stay_low(claims: pl.DataFrame) -> None:
    primary = claims.with_columns(ids=pl.col("notes").str.extract(PRIMARY_RESEARCH.pattern, 1).str.split(", "))
    raised = primary.explode("ids").filter(
        pl.col("ids").is_in(sorted(LOW_IN_RESEARCH)) & (pl.col("confidence") != "low")
    )
    assert raised.select("claim_id", "ids", "confidence").rows() == []
    assert primary.explode("ids").filter(pl.col("ids").is_in(sorted(LOW_IN_RESEARCH))).height >= len(LOW_IN_RESEARCH)


def test_frictionless_validation_passes() -> None:
    report = validate(str(PACKAGE))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


def test_frictionless_notices_an_unstamped_edit(tmp_path: Path) -> None:
    """Same size, one figure changed: only the recorded sha256 can tell."""
    copy = tmp_path / "claims"
    shutil.copytree(PACKAGE.parent, copy)
    data = (copy / "claims.csv").read_text(encoding="utf-8")
    assert ",100183," in data
    (copy / "claims.csv").write_text(data.replace(",100183,", ",100138,", 1), encoding="utf-8")
    report = validate(str(copy / "datapackage.json"))
    assert not report.valid
    assert {error.type for task in report.tasks for error in task.errors} == {"hash-count"}


X_STATEMENTS = {
    # claim_id: (statement_date, authority, venue, assertion)
    "moi-2024-02-17-block-x-till-further-orders": ("2024-02-17", "MoI", "official_letter", "x_blocked"),
    "govt-2024-03-01-x-not-restricted": ("2024-03-01", "Govt", "interview", "x_not_blocked"),
    "info-min-2024-03-13-x-working": ("2024-03-13", "Govt", "press_conference", "x_not_blocked"),
    "info-min-2024-03-18-x-already-banned": ("2024-03-18", "Govt", "interview", "x_blocked"),
    "pta-2024-03-20-x-blocked-on-moi-orders": ("2024-03-20", "PTA", "court_filing", "x_blocked"),
    "moi-2024-04-17-x-blocked-on-intelligence-reports": ("2024-04-17", "MoI", "court_filing", "x_blocked"),
    "pta-counsel-2024-09-12-x-block-notification-withdrawn": ("2024-09-12", "PTA", "court_filing", "x_not_blocked"),
    "pta-2024-09-16-x-still-blocked": ("2024-09-14", "PTA", "court_filing", "x_blocked"),
    "info-min-2024-09-27-x-banned-national-security": ("2024-09-27", "Govt", "interview", "x_blocked"),
    "pta-chair-2025-05-07-x-restored": ("2025-05-07", "PTA", "news_report", "x_block_lifted"),
}


def test_x_block_statements_are_recorded_with_verified_sources(claims: pl.DataFrame, sources: pl.DataFrame) -> None:
    x = claims.filter((pl.col("scope") == "platform:x") & (pl.col("kind") == "assertion"))
    assert set(X_STATEMENTS) <= set(x["claim_id"].to_list())
    assert set(x["subject"].to_list()) == {"platform_block"} and set(x["kind"].to_list()) == {"assertion"}
    assert set(x["unit"].to_list()) == {"none"} and x["value"].is_null().all()
    got = {
        row["claim_id"]: (str(row["statement_date"]), row["authority"], row["venue"], row["assertion"])
        for row in x.filter(pl.col("claim_id").is_in(list(X_STATEMENTS))).to_dicts()
    }
    assert got == X_STATEMENTS
    verified = sources.filter(pl.col("verification") == "search_verified")
    unverified = x.join(verified, on="claim_id", how="anti")["claim_id"].to_list()
    assert unverified == [], "every X statement needs a page seen through the search tool"
    notes = x.join(sources, on="claim_id").filter(pl.col("verification_note").is_null() | pl.col("url").is_null())
    assert notes["claim_id"].to_list() == []


def test_x_block_admission_cites_the_february_order_and_its_outlets(
    claims: pl.DataFrame, sources: pl.DataFrame
) -> None:
    ihc = claims.filter(pl.col("claim_id") == "moi-2024-04-17-x-blocked-on-intelligence-reports").row(0, named=True)
    assert "Islamabad High Court" in ihc["claimant"] and ihc["wording"] == "necessitated the imposition of a ban"
    urls = set(sources.filter(pl.col("claim_id") == ihc["claim_id"])["url"].to_list())
    assert "https://khybernews.tv/x-closed-for-national-security-pakistan-govt" in urls
    letter = claims.filter(pl.col("statement_id") == "moi-letter-2024-02-17-x").row(0, named=True)
    assert (letter["verb"], letter["wording"]) == ("directed", "immediately till further orders")
    since = claims.filter(pl.col("claim_id") == "pta-2024-03-20-x-blocked-on-moi-orders").row(0, named=True)
    assert (since["period"], str(since["period_start"])) == ("cumulative_since", "2024-02-17")


def test_every_x_assertion_is_audited(claims: pl.DataFrame) -> None:
    rule_file = paths.checks_dir() / "claims" / "platform-blocks.yml"
    (rule,) = [
        r
        for r in yaml.safe_load(rule_file.read_text(encoding="utf-8"))["rules"]
        if r["id"] == "platform-block-assertions"
    ]
    audited = set(rule["params"]["polarity"])
    stated = set(
        claims.filter((pl.col("subject") == "platform_block") & (pl.col("kind") == "assertion"))["assertion"].to_list()
    )
    assert stated <= audited, f"no polarity for {sorted(stated - audited)}"


# --------------------------------------------------------------------------- issue 11: corrections


def _claim(claims: pl.DataFrame, claim_id: str) -> dict:
    rows = claims.filter(pl.col("claim_id") == claim_id).to_dicts()
    assert len(rows) == 1, claim_id
    return rows[0]


def test_the_20500_vpns_and_1422_companies_are_the_statement_of_11_november(claims, sources):
    for cid in ("pta-sources-2024-11-13-vpns-registered-20500", "pta-sources-2024-11-13-companies-registered-1422"):
        row = _claim(claims, cid)
        assert (str(row["statement_date"]), row["date_precision"]) == ("2024-11-11", "day")
        assert row["statement_id"] == "pta-sources-2024-11-11-vpn-registrations"
        nation = sources.filter((pl.col("claim_id") == cid) & pl.col("url").str.contains("nation.com.pk/11-Nov-2024"))
        assert nation.height == 1 and nation["verification"][0] == "search_verified"
        assert str(nation["publication_date"][0]) == "2024-11-11"


def test_the_ihc_2021_anti_state_links_were_removed_not_blocked(claims, sources):
    row = _claim(claims, "pta-ihc-2021-01-anti-state-links-blocked")
    assert (row["verb"], row["metric"], row["value"]) == ("removed", "items_removed", 16000.0)
    ihc = sources.filter(pl.col("claim_id").str.starts_with("pta-ihc-2021-01-"))
    assert not ihc["url"].str.contains("pages.dev").any(), "the copy is cited although the original was seen"
    assert set(ihc["verification"]) == {"search_verified"}


def test_the_x_filing_is_dated_by_the_directors_statement_of_14_september(claims, sources):
    row = _claim(claims, "pta-2024-09-16-x-still-blocked")
    assert str(row["statement_date"]) == "2024-09-14" and "Director Law" in row["claimant"]
    ary = sources.filter((pl.col("claim_id") == row["claim_id"]) & pl.col("url").str.contains("another-clarification"))
    assert str(ary["publication_date"][0]) == "2024-09-14"


def test_annual_report_2021_categories_sum_exactly_to_its_total(claims):
    ar = claims.filter((pl.col("statement_id") == "pta-annual-report-2021") & (pl.col("unit") == "urls"))
    total = ar.filter(pl.col("category") == "total")["value"].to_list()
    assert total == [1091095.0]
    parts = ar.filter((pl.col("category") != "total") & (pl.col("confidence") != "low"))
    assert parts["category"].n_unique() == parts.height == 8, "one figure per category row of the table"
    assert parts["value"].sum() == 1091095.0
    assert "proxy_and_misc" not in parts["category"].to_list(), "proxy and miscellaneous are separate rows"
    misprint = _claim(claims, "pta-ar2021-contempt-urls-blocked-8763")
    assert misprint["confidence"] == "low" and "misprint" in misprint["notes"]
    assert "1,091,095" in _claim(claims, "pta-ar2021-total-urls-blocked")["notes"], "the sum check is recorded"


def test_the_2021_table_counts_urls_processed_as_propakistani_prints_its_column(claims, sources):
    table = claims.filter((pl.col("statement_id") == "pta-annual-report-2021") & (pl.col("unit") == "urls"))
    assert table.height == 10  # eight rows, the total and PhoneWorld's 8,763 variant
    assert set(table["verb"]) == {"processed"} and set(table["metric"]) == {"items_processed"}
    pp = sources.filter(pl.col("url").str.contains("propakistani.pk/2022/03/03/"))
    assert set(pp["verification"]) == {"search_verified"}
    on_table = pp.filter(pl.col("claim_id").is_in(table["claim_id"].to_list()))
    assert on_table.height == 9 and on_table["verification_note"].str.contains("Total Processed").all()
    printed = {r["claim_id"]: r["figure_as_printed"] for r in on_table.iter_rows(named=True)}
    values = {r["claim_id"]: r["value"] for r in table.iter_rows(named=True)}
    for cid, fig in printed.items():  # ProPakistani's print is the ledger's value, digit for digit
        assert float(fig.replace(",", "")) == values[cid], cid
    apps = _claim(claims, "pta-ar2021-apps-blocked")
    assert apps["verb"] == "blocked", "the apps are not in the 'Total Processed' table"


def test_dunya_urdu_gives_the_33000_to_pta_directors_general(claims, sources):
    row = _claim(claims, "pta-chair-2024-12-16-vpns-registered-33000")
    assert "Amir Shahzad" in row["claimant"] and "Mukarram" in row["claimant"] and "The Nation" in row["claimant"]
    dunya = sources.filter(pl.col("url") == "https://dunya.com.pk/index.php/pakistan/2024-12-17/2448654")
    assert set(dunya["verification"]) == {"search_verified"}
    assert set(dunya["claim_id"]) == {row["claim_id"], "pta-chair-2024-12-16-vpns-not-blocked"}
    assert sources.filter(pl.col("verification") == "unreachable")["url"].str.contains("mashriq").all()


def test_the_x_briefing_of_1_august_2024_carries_both_figures(claims, sources):
    use = _claim(claims, "pta-chair-2024-08-02-x-users-down-70pct")
    acted = _claim(claims, "pta-chair-2024-08-01-x-complaints-acted-7pct")
    for row in (use, acted):
        assert (str(row["statement_date"]), row["date_precision"]) == ("2024-08-01", "day")
        assert row["statement_id"] == "pta-chair-senate-cabinet-2024-08-02"
    assert (acted["value"], acted["unit"], acted["scope"]) == (7.0, "percent", "platform:x")
    outlets = set(sources.filter(pl.col("claim_id") == acted["claim_id"])["outlet"])
    assert {"Internews.pk", "The Express Tribune", "Aik News (Urdu)"} <= outlets


def test_claim_ids_are_never_renamed_silently(claims):
    """Ids are stable keys (rules, verdict ids, published reports and forks cite them): every id ever
    issued is in claim_ids.csv, and an id that leaves the ledger must say which claim replaced it."""
    register = pl.read_csv(paths.datasets_dir() / "claims" / "claim_ids.csv", infer_schema_length=0).fill_null("")
    assert register.columns == ["claim_id", "retired_in_favour_of", "reason"]
    assert register["claim_id"].is_duplicated().sum() == 0
    current = set(claims["claim_id"])
    unregistered = current - set(register["claim_id"])
    assert unregistered == set(), f"register these ids in claim_ids.csv: {sorted(unregistered)}"
    gone = register.filter(~pl.col("claim_id").is_in(list(current)))
    silent = gone.filter((pl.col("retired_in_favour_of") == "") | (pl.col("reason") == ""))["claim_id"].to_list()
    assert silent == [], f"ids removed from claims.csv without a replacement and a reason: {silent}"
    dangling = gone.filter(~pl.col("retired_in_favour_of").is_in(list(current)))["claim_id"].to_list()
    assert dangling == [], f"retired ids pointing at no current claim: {dangling}"
    live = register.filter(pl.col("claim_id").is_in(list(current)) & (pl.col("retired_in_favour_of") != ""))
    assert live.is_empty(), "an id in the ledger cannot also be retired"


def test_an_ids_date_is_the_date_first_entered_and_may_differ_from_the_statement_date(claims):
    # documented in the README: the X filing was re-dated to 14 Sep, its id keeps 16 Sep
    row = _claim(claims, "pta-2024-09-16-x-still-blocked")
    assert str(row["statement_date"]) == "2024-09-14"
    readme = (paths.datasets_dir() / "claims" / "README.md").read_text(encoding="utf-8")
    assert "claim_ids.csv" in readme and "first entered" in readme


# Hosts that are blogs, forums or mirrors, not outlets: a claim that only they carry stays low.
BLOG_HOSTS = (
    "stateofchildren.com",
    "blogspot.com",
    "pages.dev",
    "siasat.pk",
    "tumgik.com",
    "wordpress.com",
    "medium.com",
)


def _host(url: str) -> str:
    return re.sub(r"^https?://(www\.)?", "", url).split("/")[0].lower()


def test_no_claim_rests_only_on_a_blog_while_marked_above_low(claims, sources):
    blog = sources.with_columns(
        blog=pl.col("url").map_elements(lambda u: _host(u).endswith(BLOG_HOSTS), return_dtype=pl.Boolean)
    )
    only_blogs = blog.group_by("claim_id").agg(pl.col("blog").all().alias("only_blogs")).filter(pl.col("only_blogs"))
    above_low = claims.join(only_blogs, on="claim_id").filter(pl.col("confidence") != "low")
    assert above_low["claim_id"].to_list() == []
    assert blog.filter(pl.col("blog")).height > 0, "the blog hosts no longer match anything: update BLOG_HOSTS"


def test_pages_once_marked_unreachable_but_seen_are_verified(sources):
    seen = {
        "https://www.pakpeek.com/pta-now-blocks-over-933000-websites-pages-in-pakistan/": 9,
        "https://www.phoneworld.com.pk/pta-blocked-urls/": 9,
        "https://www.dawn.com/news/1389934/over-76300-pornographic-web-links-blocked-ihc-informed": 2,
        "https://www.phoneworld.com.pk/pta-blocking-objectionable-content/": 4,
        "https://www.brecorder.com/news/40332797/"
        "internet-services-suspended-in-parts-of-balochistan-ministry-seeks-countrywide-vpns-blockage": 2,
        "https://www.thenews.com.pk/latest/1256682-vpn-registration-deadline-ends-today": 1,
        "https://gadinsider.com/pta-issues-statement-on-vpn-disruption-digital-11399": 1,
        "https://jasarat.com/2024/11/25/vpn-5": 1,
    }
    for url, n in seen.items():
        rows = sources.filter(pl.col("url") == url)
        assert rows.height == n and set(rows["verification"]) == {"search_verified"}, url
    assert sources.filter(
        pl.col("url") == "https://www.thenews.com.pk/latest/1256682-vpn-registration-deadline-ends-today"
    )["figure_as_printed"].to_list() == ["At least 27,000"]


# --------------------------------------------------------------------------- issue 11: added statements

ADDED_STATEMENTS = {
    "pta-chair-senate-it-2019-07-17": 3,
    "pta-annual-report-2020": 2,
    "pta-document-2023-09-04": 2,
    "cabinet-division-na-2024-08-vpn-registrations": 1,
    "pta-announcement-2024-08-04": 2,
    "pta-chair-senate-cabinet-2024-08-02": 6,
    "pta-sources-2024-11-24-second-trial": 2,
    "govt-official-2024-11-10-firewall-trial": 4,
    "pta-2025-05-anti-state-crackdown": 2,
    "pta-press-2025-05-07": 3,
    "pta-data-samaa-fy2025": 1,
    "pta-press-2020-06-10": 3,
    "pta-announcement-2020-07-31": 1,
    "pta-public-notice-2022-12-02": 1,
    "pta-lhc-report-2026-01": 3,
}


def test_added_statements_carry_every_outlet_seen_and_each_is_verified(claims, sources):
    for statement, outlets in ADDED_STATEMENTS.items():
        ids = claims.filter(pl.col("statement_id") == statement)["claim_id"].to_list()
        assert ids, statement
        rows = sources.filter(pl.col("claim_id").is_in(ids))
        assert rows["outlet"].n_unique() >= outlets, statement
        unverified = set(ids) - set(rows.filter(pl.col("verification") == "search_verified")["claim_id"])
        assert unverified == set(), statement


def test_pta_sources_said_blocking_of_unregistered_vpns_had_started_the_day_of_the_glitch(claims, sources):
    started = _claim(claims, "pta-sources-2024-11-11-blocking-unregistered-vpns-started")
    glitch = _claim(claims, "pta-2024-11-11-outage-was-technical-glitch")
    assert started["assertion"] == "vpn_blocking_started" and started["authority"] == glitch["authority"] == "PTA"
    assert started["statement_date"] == glitch["statement_date"]
    outlets = set(sources.filter(pl.col("claim_id") == started["claim_id"])["outlet"])
    assert {"The Nation", "The News (Geo)", "UrduPoint"} <= outlets


def test_vpn_registration_deadlines_of_2020_2022_and_2024_are_in_the_ledger(claims):
    deadlines = claims.filter(pl.col("assertion") == "vpn_registration_deadline").sort("statement_date")
    ends = [str(d) for d in deadlines["period_end"].to_list()]
    assert ends == ["2020-06-30", "2020-09-30", "2022-12-31", "2024-11-30"]


def test_fiscal_2025_categories_sum_to_the_over_88000_headline(claims):
    fy = claims.filter(pl.col("statement_id") == "pta-data-samaa-fy2025")
    parts = fy.filter(~pl.col("category").is_in(["total"]) & (pl.col("scope") == "all_content"))["value"].sum()
    total = fy.filter((pl.col("category") == "total") & (pl.col("scope") == "all_content")).row(0, named=True)
    assert total["qualifier"] == "over" and total["value"] <= parts < total["value"] * 1.01


def test_the_readme_verification_counts_match_the_sources(claims, sources):
    readme = (paths.datasets_dir() / "claims" / "README.md").read_text(encoding="utf-8")
    stated = {m[0]: int(m[1]) for m in re.findall(r"^\| `([a-z_]+)` \| (\d+) \|", readme, flags=re.M)}
    counted = dict(sources.group_by("verification").len().iter_rows())
    assert stated == {state: counted.get(state, 0) for state in stated}
    assert set(counted) <= set(stated)
    verified = sources.filter(pl.col("verification") == "search_verified")["claim_id"].n_unique()
    assert f"{verified} of {claims.height} claims" in readme
    assert f"# {claims.height} rows" in readme and f"# {sources.height} rows" in readme


# --------------------------------------------------------------------------- issue 11: Urdu summaries

MAIN_STORY_SUBJECTS = ["gateway_attempts", "vpn_registration", "vpn_blocking", "platform_block"]
_URDU = re.compile(r"[\u0600-\u06FF]")


def test_urdu_summaries_cover_the_main_stories_in_urdu_script_with_the_figures_kept(claims):
    assert claims.columns.index("summary_ur") == claims.columns.index("summary") + 1
    main = claims.filter(
        pl.col("subject").is_in(MAIN_STORY_SUBJECTS)
        | pl.col("statement_id").is_in(["pta-annual-report-2021", "pta-press-2024-11-13"])
        | (pl.col("subject") == "url_blocking") & pl.col("category").is_in(["pornography", "blasphemy"])
    )
    assert main.height >= 90
    assert main.filter(pl.col("summary_ur").is_null())["claim_id"].to_list() == []
    given = claims.filter(pl.col("summary_ur").is_not_null())
    assert all(_URDU.search(text) for text in given["summary_ur"])
    for row in given.select("claim_id", "summary", "summary_ur").to_dicts():
        figures = {n.rstrip(".,") for n in re.findall(r"\d[\d,.]*\d|\d", row["summary"])}
        assert {f for f in figures if f not in row["summary_ur"]} == set(), row["claim_id"]
    for claim_id in (
        "pta-2024-11-13-blasphemous-urls-blocked",
        "pta-2024-11-13-porn-websites-blocked",
        "pta-ar2021-decency-urls-blocked",
        "pta-2024-11-11-outage-was-technical-glitch",
        "pta-sources-2024-11-11-blocking-unregistered-vpns-started",
        "moi-2024-11-15-vpn-registration-deadline",
    ):
        assert _claim(claims, claim_id)["summary_ur"], claim_id


def test_the_readme_says_the_urdu_summaries_are_drafts_awaiting_review():
    readme = (paths.datasets_dir() / "claims" / "README.md").read_text(encoding="utf-8")
    assert "draft translations awaiting review by a native speaker" in readme
    header = (paths.datasets_dir() / "claims" / "claims.csv").read_text(encoding="utf-8").split("\n", 1)[0]
    assert "summary,summary_ur,confidence" in header and header.count(",") == 25


# --------------------------------------------------------------------------- issue 11d: source dates

NO_DATE_PRINTED = "no date printed"
PAGE_NOT_SEEN = "page not seen"
SEEN = ("search_verified", "search_other_outlet")


def _claims_without_a_date_record(claims: pl.DataFrame, sources: pl.DataFrame) -> list[str]:
    """Claims with no dated source whose pages do not record that they print no date.

    A claim passes with one source that has a publication_date, or with a seen source whose
    verification_note says which parts of the page were checked and that no date is printed, or,
    when no page of it was ever seen, with every source's note saying the page was not seen.
    """
    dated = set(sources.filter(pl.col("publication_date").is_not_null())["claim_id"])
    missing = []
    for claim_id in claims.filter(~pl.col("claim_id").is_in(sorted(dated)))["claim_id"]:
        rows = sources.filter(pl.col("claim_id") == claim_id).to_dicts()
        checked = any(r["verification"] in SEEN and NO_DATE_PRINTED in (r["verification_note"] or "") for r in rows)
        never_seen = bool(rows) and all(
            r["verification"] == "unreachable" and PAGE_NOT_SEEN in (r["verification_note"] or "") for r in rows
        )
        if not (checked or never_seen):
            missing.append(claim_id)
    return missing


def test_every_claim_has_a_dated_source_or_a_recorded_no_date_check(claims, sources):
    assert _claims_without_a_date_record(claims, sources) == []
    undated = sources.filter(pl.col("publication_date").is_null())
    assert set(undated["publication_date_precision"]) == {"unknown"}


def test_the_date_check_fails_for_an_undated_claim_without_a_record():
    # synthetic ledger: one dated claim, one checked, one never seen, one with nothing recorded
    synthetic_claims = pl.DataFrame({"claim_id": ["dated", "checked", "never-seen", "unrecorded"]})
    synthetic_sources = pl.DataFrame(
        {
            "claim_id": ["dated", "checked", "never-seen", "unrecorded", "unrecorded"],
            "publication_date": ["2024-01-01", None, None, None, None],
            "verification": ["search_verified", "search_verified", "unreachable", "search_verified", "unreachable"],
            "verification_note": [
                "seen",
                "no date printed (checked the byline and the URL)",
                "not found: page not seen",
                "seen, undated",
                "not found: page not seen",
            ],
        }
    ).with_columns(pl.col("publication_date").str.to_date())
    assert _claims_without_a_date_record(synthetic_claims, synthetic_sources) == ["unrecorded"]


def test_pages_reread_for_dates_settle_what_they_can(claims, sources):
    # Profit printed the 31,000 on Saturday 2024-12-07: the copies' "on Saturday" after the deadline is
    # in 1-7 December; month precision keeps it after 30 November (approx would reach 15 days back)
    c31 = _claim(claims, "pta-2024-12-vpns-registered-31000")
    assert str(c31["statement_date"]) == "2024-12-01" and c31["date_precision"] == "month"
    assert "2024-12-07" in c31["notes"]
    profit = sources.filter(
        (pl.col("claim_id") == c31["claim_id"]) & pl.col("url").str.contains("profit.pakistantoday.com.pk/2024/12/07")
    )
    assert profit["figure_as_printed"].to_list() == ["Over 31,000"]
    # Geo (2024-03-18) is the dated outlet for Tarar's "Twitter [X] is working" of 13 March
    geo = sources.filter((pl.col("claim_id") == "info-min-2024-03-13-x-working") & (pl.col("outlet") == "Geo News"))
    assert [str(d) for d in geo["publication_date"]] == ["2024-03-18"]
    # Dawn 1389934 prints no date: the hearing stays a Friday after 26 January 2018
    dawn = sources.filter(pl.col("url").str.starts_with("https://www.dawn.com/news/1389934/"))
    assert dawn.height == 2 and all(NO_DATE_PRINTED in n for n in dawn["verification_note"])
    assert {str(_claim(claims, c)["statement_date"]) for c in dawn["claim_id"]} == {"2018-02-01"}


def test_the_offensive_content_row_is_typed_unmapped_and_completes_the_fiscal_2024_sum(claims):
    row = _claim(claims, "pta-mashriq-fy2024-offensive-sites-blocked")
    assert (row["category"], row["category_as_stated"], row["value"]) == ("unmapped", "offensive content", 1058)
    fy = claims.filter(
        (pl.col("statement_id") == "pta-document-mashriq-undated")
        & (pl.col("period") == "fiscal_year")
        & ~pl.col("claim_id").str.ends_with("-13422")
    )
    parts = fy.filter(pl.col("category") != "total")["value"].sum()
    total = fy.filter(pl.col("category") == "total")["value"].to_list()
    assert total == [109771] and parts == 109771


def test_one_page_has_one_publication_date(sources):
    dates = sources.group_by("url").agg(
        pl.struct("publication_date", "publication_date_precision").n_unique().alias("dates")
    )
    assert dates.filter(pl.col("dates") > 1)["url"].to_list() == []
