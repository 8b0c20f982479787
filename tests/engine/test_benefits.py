"""Monthly benefit lines and candidates, computed over frames (no Django): the check cases of issue 15."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from ansinh.engine import benefits
from ansinh.lib.legal import NoValue
from ansinh.programs.rules import legal_rules, programmes

RULES = legal_rules()
D = dt.date


def _enrolments(*rows: tuple[int, int, str, dt.date, dt.date | None]) -> pl.DataFrame:
    return pl.DataFrame(
        [dict(zip(("enrolment_id", "member_id", "category", "start_month", "end_month"), r, strict=True))
         for r in rows],
        schema={"enrolment_id": pl.Int64, "member_id": pl.Int64, "category": pl.String, "start_month": pl.Date,
                "end_month": pl.Date},
    )  # fmt: skip


def _people(*rows: tuple[int, dt.date, dt.date | None]) -> pl.DataFrame:
    return pl.DataFrame(
        [{"member_id": m, "date_of_birth": b, "date_of_death": d, "ward_code": "26734"} for m, b, d in rows],
        schema={"member_id": pl.Int64, "date_of_birth": pl.Date, "date_of_death": pl.Date, "ward_code": pl.String},
    )


def _lines(enrolments: pl.DataFrame, people: pl.DataFrame, month: dt.date, programme: str = "social_assistance"):
    return benefits.month_lines(enrolments, people, programmes()[programme], RULES, month).to_dicts()


SEVERELY_DISABLED_ADULT = (
    _enrolments((1, 10, "disability_severe", D(2023, 3, 1), None)),
    _people((10, D(1980, 5, 5), None)),
)


def test_it_pays_a_severely_disabled_adult_540000_in_june_2024_citing_decree_20():
    (line,) = _lines(*SEVERELY_DISABLED_ADULT, D(2024, 6, 1))
    assert (line["amount"], line["base"], line["coefficient"], line["status"]) == (540000, 360000, 1.5, "paid")
    assert line["explanation_vi"] == "360.000 × 1,5 (Nghị định 20/2021/NĐ-CP Điều 4 khoản 2; Điều 6 khoản 1 điểm e)"


def test_it_pays_the_same_person_750000_in_july_2024_citing_decree_76():
    (line,) = _lines(*SEVERELY_DISABLED_ADULT, D(2024, 7, 1))
    assert (line["amount"], line["base"]) == (750000, 500000)
    assert line["explanation_vi"].startswith("500.000 × 1,5 (Nghị định 76/2024/NĐ-CP;")
    assert "Điều 6 khoản 1 điểm e" in line["explanation_vi"]


def test_a_severely_disabled_child_or_elderly_person_gets_the_higher_coefficient():
    enrolments = _enrolments(
        (1, 10, "disability_severe", D(2023, 1, 1), None), (2, 11, "disability_severe", D(2023, 1, 1), None)
    )
    people = _people((10, D(2010, 1, 1), None), (11, D(1950, 1, 1), None))
    assert [(x["coefficient"], x["amount"]) for x in _lines(enrolments, people, D(2024, 7, 1))] == [(2.0, 1000000)] * 2


def test_a_death_on_15_march_is_paid_for_march_and_not_for_april():
    enrolments = _enrolments((1, 10, "disability_severe", D(2023, 1, 1), None))
    people = _people((10, D(1980, 1, 1), D(2025, 3, 15)))
    (march,) = _lines(enrolments, people, D(2025, 3, 1))
    (april,) = _lines(enrolments, people, D(2025, 4, 1))
    assert (march["status"], march["amount"]) == ("paid", 750000)
    assert (april["status"], april["amount"], april["entitled"]) == ("died", 0, 750000)


def test_a_person_in_two_categories_is_paid_once_at_the_higher_and_the_other_is_listed_with_why():
    enrolments = _enrolments(
        (1, 10, "elderly_80_no_pension", D(2024, 1, 1), None), (2, 10, "disability_severe", D(2024, 1, 1), None)
    )
    people = _people((10, D(1940, 2, 2), None))
    lines = {x["category"]: x for x in _lines(enrolments, people, D(2024, 7, 1))}
    assert (lines["disability_severe"]["amount"], lines["disability_severe"]["status"]) == (1000000, "paid")
    lower = lines["elderly_80_no_pension"]
    assert (lower["amount"], lower["entitled"], lower["status"]) == (0, 500000, "higher_category_paid")
    assert lower["paid_category"] == "disability_severe"


def test_an_ended_or_not_yet_started_enrolment_gives_no_line():
    enrolments = _enrolments(
        (1, 10, "disability_severe", D(2024, 8, 1), None), (2, 11, "disability_severe", D(2023, 1, 1), D(2024, 6, 1))
    )
    people = _people((10, D(1980, 1, 1), None), (11, D(1980, 1, 1), None))
    assert _lines(enrolments, people, D(2024, 7, 1)) == []


def test_a_war_invalid_at_81_percent_is_paid_the_two_appendix_rows_not_a_coefficient():
    (line,) = _lines(
        _enrolments((1, 10, "war_invalid_81", D(2024, 7, 1), None)),
        _people((10, D(1950, 1, 1), None)),
        D(2026, 1, 1),
        "merit",
    )
    assert (line["amount"], line["coefficient"], line["rows"]) == (
        8639000,
        None,
        "war_invalid_81+war_invalid_81_plus_allowance",
    )
    assert line["explanation_vi"] == "7.240.000 + 1.399.000 (Nghị định 77/2024/NĐ-CP Phụ lục I)"


def test_a_month_without_a_rule_in_force_is_refused_naming_the_parameter():
    with pytest.raises(NoValue) as refused:
        _lines(
            _enrolments((1, 10, "war_invalid_81", D(2023, 1, 1), None)),
            _people((10, D(1950, 1, 1), None)),
            D(2024, 1, 1),
            "merit",
        )
    assert refused.value.params["path"] == "merit.amount.war_invalid_81"


def test_an_unknown_category_is_refused():
    with pytest.raises(benefits.UnknownCategory) as refused:
        _lines(
            _enrolments((1, 10, "astronaut", D(2024, 1, 1), None)), _people((10, D(1950, 1, 1), None)), D(2024, 7, 1)
        )
    assert refused.value.params == {"programme": "social_assistance", "category": "astronaut", "count": 1}


JULY_2025 = D(2025, 7, 1)


def _candidates(rows, on=JULY_2025):
    people = pl.DataFrame(
        [{"member_id": i, "ward_code": "26734", "date_of_birth": b, "date_of_death": None, "pension_monthly": p,
          "poverty_class": c, "disability_level": "none"} for i, (b, p, c) in enumerate(rows)],
        schema={"member_id": pl.Int64, "ward_code": pl.String, "date_of_birth": pl.Date, "date_of_death": pl.Date,
                "pension_monthly": pl.Int64, "poverty_class": pl.String, "disability_level": pl.String},
    )  # fmt: skip
    found = benefits.candidates(people, RULES, on).filter(pl.col("programme") == "social_pension")
    return {(r["member_id"], r["category"]): r for r in found.to_dicts()}


def test_social_pension_boundaries():
    found = _candidates(
        [
            (D(1955, 7, 1), 0, "near_poor"),  # exactly 70 on 1 July 2025, near-poor: qualifies
            (D(1950, 7, 1), 0, "not_poor"),  # 75, no pension: qualifies
            (D(1950, 7, 2), 0, "not_poor"),  # 74 (75 tomorrow), not poor: does not
            (D(1940, 1, 1), 600000, "poor"),  # 85 with a pension above the level: does not
            (D(1955, 7, 2), 0, "poor"),  # 69, poor: not a candidate at all
        ]
    )
    assert found[(0, "poor_70_75")]["qualifies"]
    assert found[(1, "age_75_no_pension")]["qualifies"]
    assert not found[(2, "poor_70_75")]["qualifies"]
    assert (2, "age_75_no_pension") not in found
    assert not found[(3, "age_75_no_pension")]["qualifies"]
    assert "lương hưu 600000" in found[(3, "age_75_no_pension")]["reason_vi"]
    assert not any(member == 4 for member, _ in found)


def test_the_programme_rules_mark_what_is_not_verified():
    unverified = {p.path for p in RULES.unverified()}
    assert "social_assistance.coefficient.child_no_carer" in unverified
    assert "social_assistance.base_level" not in unverified
    assert "merit.amount.war_invalid_81" not in unverified


def test_eligibility_reads_the_disability_assessment_and_the_merit_category():
    people = pl.DataFrame(
        [
            {"member_id": 1, "disability_level": "severe", "disability_assessed_on": D(2024, 3, 5)},
            {"member_id": 2, "disability_level": "severe", "disability_assessed_on": None},
            {"member_id": 3, "disability_level": "none", "disability_assessed_on": None, "merit_category": "war_invalid_81"},  # noqa: E501
        ],
        schema={"member_id": pl.Int64, "disability_level": pl.String, "disability_assessed_on": pl.Date,
                "merit_category": pl.String},
    ).with_columns(
        pl.lit("26734").alias("ward_code"), pl.lit(D(1980, 1, 1)).alias("date_of_birth"),
        pl.lit(None, dtype=pl.Date).alias("date_of_death"), pl.lit(0, dtype=pl.Int64).alias("pension_monthly"),
        pl.lit(None, dtype=pl.String).alias("poverty_class"),
    )  # fmt: skip
    found = {(r["member_id"], r["category"]): r for r in benefits.candidates(people, RULES, JULY_2025).to_dicts()}
    assert found[(1, "disability_severe")]["qualifies"]
    assert "xác định ngày 05/03/2024" in found[(1, "disability_severe")]["reason_vi"]
    assert not found[(2, "disability_severe")]["qualifies"]
    assert "chưa có ngày xác định" in found[(2, "disability_severe")]["reason_vi"]
    merit = found[(3, "war_invalid_81")]
    assert merit["programme"] == "merit" and merit["qualifies"]
    assert "Thương binh" in merit["reason_vi"]
    assert not any(member == 3 and programme == "social_assistance" for (member, _), programme in
                   ((k, v["programme"]) for k, v in found.items()))  # fmt: skip
