"""The one formatter (claimaudit.i18n._format): stated figures exactly as stated, computed
statistics by one rule, dates with their precision, in English and Urdu."""

from __future__ import annotations

import datetime as dt

import pytest

from claimaudit import i18n


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_a_stated_figure_prints_every_digit_it_was_stated_with(lang):
    assert i18n.stated(84.725, lang) == "84.725"
    assert i18n.stated(1091095, lang) == "1,091,095"
    assert i18n.stated(1091095.0, lang) == "1,091,095"
    assert i18n.stated(0.000123456, lang) == "0.000123456"
    assert i18n.stated(82.2927252793334, lang) == "82.2927252793334"
    assert i18n.stated(None, lang) == "—"
    # the old explanation formatter rounded to 2 decimals: 84.725 printed as 84.72 or 84.73
    assert i18n.number is i18n.stated


def test_a_difference_of_stated_figures_has_no_digit_they_did_not_have():
    assert 84.725 - 84.72 != 0.005  # float arithmetic invents digits
    assert i18n.stated_difference(84.725, 84.72) == 0.005
    assert i18n.stated(i18n.stated_difference(84.725, 84.72), "en") == "0.005"
    assert isinstance(i18n.stated_difference(903074, 844008), int)


@pytest.mark.parametrize(
    ("value", "text"),
    [(0.18018, "0.18"), (0.0035273, "0.0035"), (0.0, "0.00"), (2.5, "2.50"), (999.994, "999.99"), (12345.67, "12,346")],
)
def test_a_computed_statistic_is_rounded_by_one_rule(value, text):
    assert i18n.statistic(value, "en") == text
    assert i18n.statistic(value, "ur") == text  # Latin digits in Urdu too


@pytest.mark.parametrize(
    ("value", "text"),
    [(0.055, "5.5%"), (1 / 2835, "0.035%"), (0.0, "0.0%"), (0.5, "50.0%"), (-0.109, "-10.9%")],
)
def test_a_computed_share_is_a_percentage_never_a_misleading_zero(value, text):
    assert i18n.share(value, "en") == text


def test_a_share_set_against_a_stated_percentage_has_its_decimals():
    assert i18n.share(0.123456, "en", like=12.35) == "12.35%"
    assert i18n.share(0.123456, "en", like="12%") == "12.3%"


def test_dates_keep_their_precision_in_each_language():
    day = dt.date(2024, 11, 18)
    assert [i18n.date(day, "en", precision=p) for p in ("day", "month", "year", "approx", "unknown")] == [
        "2024-11-18",
        "2024-11",
        "2024",
        "about 2024-11-18",
        "undated",
    ]
    assert i18n.date(day, "ur") == "18 نومبر، 2024"
    assert i18n.date(day, "ur", precision="month") == "نومبر 2024"
    assert i18n.date(day, "ur", precision="year") == "2024"
    assert i18n.date(None, "en") == ""
    assert i18n.date(None, "en", precision="day") == "undated"


def test_a_slot_prints_by_its_name_the_same_in_every_message():
    assert i18n.slot("later_share", 0.912, "en") == "91.2%"
    assert i18n.slot("anomaly_rate", 0.18018, "en") == "18.0%"
    assert i18n.slot("ratios", [0.18018, 0.0035273], "en") == "0.18 and 0.0035"
    assert i18n.slot("stated_rate", 12.35, "en") == "12.35"
    assert i18n.slot("computed_rate", 12.3456, "en") == "12.35"
    assert i18n.slot("difference", -120000, "en") == "120,000"
    assert i18n.slot("value", 84.725, "en") == "84.725"
    assert i18n.fill("{a} and {b_share}", {"a": 1091095, "b_share": 0.055}, lang="en") == "1,091,095 and 5.5%"
