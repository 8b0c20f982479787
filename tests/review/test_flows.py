"""Flows between two dates from the official list: each movement classified once, the identity
start + in − out = end per ward, class and standard, and every household that breaks it listed."""

from __future__ import annotations

import datetime as dt

import polars as pl

from ansinh.review.queries import CITY, FLOW_COLUMNS, compute_flows

A, B = dt.date(2025, 12, 1), dt.date(2026, 12, 1)
D1, D2 = dt.date(2025, 11, 20), dt.date(2026, 11, 20)


def frame(rows):
    """rows: (household, ward, class, valid_from, valid_to, end_reason, escaped_on)."""
    return pl.DataFrame(
        [(h, w, "vn_2022", c, f, t, r, e) for h, w, c, f, t, r, e in rows],
        schema={
            "household_id": pl.Int64,
            "ward_code": pl.String,
            "standard_id": pl.String,
            "class": pl.String,
            "valid_from": pl.Date,
            "valid_to": pl.Date,
            "end_reason": pl.String,
            "escaped_on": pl.Date,
        },
        orient="row",
    )


CLOSED = D2 - dt.timedelta(days=1)
ROWS = [
    (1, "W1", "poor", D1, None, "", None),  # stays poor
    (2, "W1", "poor", D1, CLOSED, "escaped", D2),  # escapes both lists
    (3, "W1", "poor", D1, CLOSED, "reclassified", None),  # poor → near-poor
    (3, "W1", "near_poor", D2, None, "", None),
    (4, "W1", "near_poor", D1, CLOSED, "escaped", D2),  # escapes near-poverty
    (5, "W1", "near_poor", D1, CLOSED, "reclassified", None),  # near-poor → poor
    (5, "W1", "poor", D2, None, "", None),
    (6, "W1", "poor", D2, None, "", None),  # newly poor
    (7, "W1", "near_poor", D2, None, "", None),  # newly near-poor
    (8, "W1", "poor", dt.date(2023, 1, 1), dt.date(2024, 1, 1), "escaped", dt.date(2024, 1, 2)),
    (8, "W1", "poor", D2, None, "", None),  # fell back into poverty
    (9, "W1", "poor", D1, CLOSED, "renewed", None),  # moved W1 → W2, still poor
    (9, "W2", "poor", D2, None, "", None),
    (10, "W2", "near_poor", D1, CLOSED, "moved", None),  # left the city
]


def by_ward(report, ward):
    return report.table.filter(pl.col("ward_code") == ward).row(0, named=True)


def test_it_classifies_every_movement_once():
    report = compute_flows(frame(ROWS), A, B)
    w1 = by_ward(report, "W1")
    assert (w1["start_poor"], w1["start_near_poor"]) == (4, 2)  # 1, 2, 3, 9 / 4, 5
    assert w1["escaped_poverty"] == 2  # 2 and 3
    assert w1["escaped_near_poverty"] == 1  # 4
    assert w1["near_poor_to_poor"] == 1  # 5
    assert (w1["newly_poor"], w1["re_poor"], w1["newly_near_poor"]) == (2, 1, 2)  # 5, 6 / 8 / 3, 7
    assert (w1["moved_out_poor"], w1["moved_in_poor"]) == (1, 0)
    assert (w1["end_poor"], w1["end_near_poor"]) == (4, 2)  # 1, 5, 6, 8 / 3, 7
    w2 = by_ward(report, "W2")
    assert (w2["moved_in_poor"], w2["moved_out_near_poor"], w2["end_poor"]) == (1, 1, 1)
    assert report.balanced and report.mismatches.is_empty()


def test_it_makes_the_city_the_sum_of_its_wards():
    report = compute_flows(frame(ROWS), A, B)
    wards = report.table.filter(pl.col("ward_code") != CITY).drop("ward_code", "balanced", "standard_id").sum()
    city = report.table.filter(pl.col("ward_code") == CITY).drop("ward_code", "balanced", "standard_id")
    assert wards.to_dicts() == city.to_dicts()


def test_it_lists_a_household_with_overlapping_statuses_as_a_mismatch():
    # Household 1 also has a near-poor status overlapping its poor one at the start: a data error.
    rows = [*ROWS, (1, "W1", "near_poor", dt.date(2025, 1, 1), dt.date(2026, 1, 1), "", None)]
    report = compute_flows(frame(rows), A, B)
    assert not report.balanced
    assert report.mismatches["household_id"].unique().to_list() == [1]
    assert not by_ward(report, "W1")["balanced"]
    assert by_ward(report, "W2")["balanced"]


def test_it_limits_the_report_to_the_wards_asked_for():
    report = compute_flows(frame(ROWS), A, B, wards=["W2"])
    assert set(report.table["ward_code"]) == {"W2", CITY}


def test_it_computes_the_36_month_support_window_from_the_escape_date(
    officer, make_round, poor_household, run_round, chairman
):
    from ansinh.review import actions
    from ansinh.review.queries import escape_support
    from tests.review.conftest import RICH_INCOME, answers_b

    first = run_round(make_round())
    second = make_round(year=2026)
    actions.do_build_household_list(actor=officer, review_round=second, screening=False)
    rh = second.households.get()
    survey = actions.do_save_survey(
        actor=officer, round_household=rh, form="B", answers=answers_b(poor_household, income=RICH_INCOME)
    )
    actions.do_submit_survey(actor=officer, survey=survey, surveyed_on=dt.date(2026, 9, 10))
    second = run_round(second, number="9/QĐ-UBND", posted_on=dt.date(2026, 11, 2))
    escaped_on = second.decision.date
    assert first.decision.date < escaped_on
    window = escape_support(escaped_on + dt.timedelta(days=1))
    assert window.select("household_id", "escaped_on").rows() == [(poor_household.pk, escaped_on)]
    until = window["support_until"][0]
    assert until == escaped_on.replace(year=escaped_on.year + 3)
    assert escape_support(until - dt.timedelta(days=1)).height == 1
    assert escape_support(until).is_empty()


def test_it_ranks_the_dominant_deprivations_of_poor_households_and_exports_a_workbook(
    make_round, poor_household, run_round
):
    import io

    from openpyxl import load_workbook

    from ansinh.review.documents import xlsx
    from ansinh.review.queries import dominant_deprivations, status_frame

    review_round = run_round(make_round())
    top = dominant_deprivations([review_round], "vn_2022", top=12)
    assert set(top["ward_code"]) == {review_round.ward_id}
    assert {"health_insurance", "water"} <= set(top["indicator"])
    assert top.filter(pl.col("indicator") == "health_insurance")["share"].to_list() == [1.0]
    report = compute_flows(
        status_frame(), review_round.decision.date - dt.timedelta(days=1), review_round.decision.date
    )
    # The flows' one workbook writer, fed as the summary page feeds it.
    summary = xlsx.RoundSummary(
        title="Biến động",
        flows=[
            {**r, "ward": r["ward_code"], "standard": r["standard_id"], "identity_ok": r["balanced"]}
            for r in report.table.iter_rows(named=True)
        ],
        deprivations=[{**r, "standard": "vn_2022", "ward": r["ward_code"]} for r in top.iter_rows(named=True)],
    )
    book = load_workbook(io.BytesIO(xlsx.build_summary(summary)))
    assert book.sheetnames == ["Biến động", "Thiếu hụt", "Sai lệch"]
    keys = [key for key, _title in xlsx.FLOW_COLUMNS]
    rows = list(book["Biến động"].iter_rows(min_row=4, values_only=True))
    assert [r[:2] for r in rows] == [(review_round.ward_id, "vn_2022"), (CITY, "vn_2022")]
    assert rows[0][keys.index("newly_poor")] == 1
    assert rows[0][keys.index("identity_ok")] == "Đúng"
    assert set(FLOW_COLUMNS) <= set(keys)
