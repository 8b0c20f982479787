"""Form-B scoring methods: points summed, cut-offs at the boundary, which method applies, the class that
follows under each near-poor rule, loading (file, command, audit) and a round assessed end to end."""

from __future__ import annotations

import datetime as dt
import doctest
import io
from pathlib import Path

import polars as pl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse
from django.utils import translation

from ansinh.audit.models import AuditEvent
from ansinh.review import actions, scoring
from ansinh.review.errors import NotAllowed, ReviewError
from ansinh.review.models import Assessment, ScoringMethod
from ansinh.review.scoring import Method, apply_scores, check_method, methods_for, score
from tests.review.conftest import POOR_INCOME, RICH_INCOME, YEAR, answers_b, deprived_member

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "scoring-example.yaml"


def method(method_id: int = 1, area_type: str = "urban", table: dict | None = None, **cutoffs: float) -> Method:
    return Method(
        id=method_id,
        name=f"m{method_id}",
        area_type=area_type,
        table=table or {},
        verified=False,
        reference="ref",
        cutoffs=cutoffs or {"poor": 30, "near_poor": 40},
    )


def answers(*rows: tuple[int, int | None, str, str]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=scoring.ANSWERS_SCHEMA, orient="row")


def areas(**by_household: str) -> pl.DataFrame:
    return pl.DataFrame({"household_id": [int(h[1:]) for h in by_household], "area_type": list(by_household.values())})


def scores_of(frame: pl.DataFrame) -> dict[int, float]:
    return dict(frame.select("household_id", "score").iter_rows())


# --- the score -----------------------------------------------------------------------------------------


def test_it_passes_the_doctests_of_the_scoring_module():
    result = doctest.testmod(scoring)
    assert result.attempted > 0 and result.failed == 0


def test_it_sums_the_points_of_answers_choices_bands_and_members():
    table = {
        "wall_durable": {"points": {"true": 4, "false": 1}},
        "water_source": {"points": {"piped": 6, "*": 2}},
        "floor_area_m2": {"bands": [[10, 1], [20, 3], [40, 6]]},
        "has_labour_contract": {"points": {"true": 3}, "count": "sum"},
        "education_level": {"points": {"university": 6, "primary": 1}, "count": "max"},
        "monthly_income": {"bands": [[0, 0], [1000, 2], [3000, 8]], "count": "mean"},
    }
    given = answers(
        (1, None, "wall_durable", "true"),
        (1, None, "water_source", "piped"),
        (1, None, "floor_area_m2", "20.0"),
        (1, 11, "has_labour_contract", "true"),
        (1, 12, "has_labour_contract", "true"),
        (1, 11, "education_level", "primary"),
        (1, 12, "education_level", "university"),
        (1, 11, "monthly_income", "3000"),
        (1, 12, "monthly_income", "999"),
        (1, None, "has_tv", "true"),  # not in the table: no points
        (2, None, "wall_durable", "false"),
        (2, None, "water_source", "surface"),
        (2, None, "floor_area_m2", "5"),
        (2, 21, "has_labour_contract", "false"),
        (2, 21, "education_level", "none"),
    )
    result = score(given, areas(h1="urban", h2="urban"), {"urban": method(table=table)})
    # h1: 4 + 6 + 3 (band from 20) + 3 + 3 (sum) + 6 (max) + (8 + 0) / 2 (mean) = 29
    # h2: 1 + 2 (any other water source) + 0 (below the first band) + 0 (no points for false) + 0 = 3
    assert scores_of(result) == {1: 29.0, 2: 3.0}


@pytest.mark.parametrize(
    ("points", "poor", "near_poor"),
    [
        (29, True, True),
        (30, True, True),
        (30.5, False, True),
        (40, False, True),
        (40.25, False, False),
    ],
)
def test_it_counts_a_score_exactly_at_a_cut_off_as_at_or_below(points, poor, near_poor):
    table = {"floor_area_m2": {"bands": [[0, points]]}}
    result = score(
        answers((1, None, "floor_area_m2", "12")),
        areas(h1="urban"),
        {"urban": method(table=table, poor=30, near_poor=40)},
    )
    assert result.select("score", "at_or_below_poor", "at_or_below_near_poor").row(0) == (points, poor, near_poor)


def test_it_keeps_the_boundary_exact_when_decimal_points_add_up():
    table = {"has_tv": {"points": {"true": 0.1}}, "has_radio": {"points": {"true": 0.2}}}
    given = answers((1, None, "has_tv", "true"), (1, None, "has_radio", "true"))
    result = score(given, areas(h1="urban"), {"urban": method(table=table, poor=0.3, near_poor=1)})
    assert result["at_or_below_poor"].to_list() == [True]


def test_it_scores_each_household_with_the_method_of_its_area_and_leaves_the_others_out():
    table_u = {"has_tv": {"points": {"true": 10}}}
    table_r = {"has_tv": {"points": {"true": 20}}}
    given = answers((1, None, "has_tv", "true"), (2, None, "has_tv", "true"), (3, None, "has_tv", "true"))
    result = score(
        given,
        areas(h1="urban", h2="rural", h3="urban", h4="rural"),
        {"urban": method(1, "urban", table_u), "rural": method(2, "rural", table_r)},
    )
    assert dict(result.select("household_id", "method_id").iter_rows()) == {1: 1, 2: 2, 3: 1}
    assert scores_of(result) == {1: 10.0, 2: 20.0, 3: 10.0}  # household 4 has no form B
    only_urban = score(given, areas(h1="urban", h2="rural"), {"urban": method(1, "urban", table_u)})
    assert scores_of(only_urban) == {1: 10.0}  # no rural method: household 2 keeps its surveyed income


def test_it_gives_zero_to_a_form_b_without_a_scored_answer():
    result = score(
        answers((1, None, "has_radio", "true")),
        areas(h1="urban"),
        {"urban": method(table={"has_tv": {"points": {"true": 10}}})},
    )
    assert scores_of(result) == {1: 0.0}


# --- the class that follows (the engine's rule with the score for income) -------------------------------


def engine_result() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "household_id": [1, 2, 3, 4, 5],
            "class": ["not_poor", "not_poor", "near_poor", "not_poor", "poor"],
            "deprivation_count": [3, 2, 5, 0, 4],
            "income_per_person": [9e6, 9e6, 1.2e6, 9e6, 5e5],
            "average_living_line": [3e6] * 5,
            "explanation": ["engine"] * 5,
        }
    )


def scored(values: dict[int, float], **cutoffs: float) -> pl.DataFrame:
    m = method(
        method_id=9, table={"floor_area_m2": {"bands": [[0, 0], [1, 1]]}}, **(cutoffs or {"poor": 30, "near_poor": 40})
    )
    frame = score(
        answers(*[(h, None, "floor_area_m2", "1") for h in values]),
        areas(**{f"h{h}": "urban" for h in values}),
        {"urban": m},
    )
    return frame.with_columns(
        pl.col("household_id")
        .replace_strict({h: float(v) for h, v in values.items()}, return_dtype=pl.Float64)
        .alias("score")
    )


def reclassify(scores: pl.DataFrame, standard: str, on: dt.date) -> dict[int, tuple[str, str]]:
    frame = scores.with_columns(
        (pl.col("score") <= pl.col("poor_cutoff")).alias("at_or_below_poor"),
        (pl.col("score") <= pl.col("near_poor_cutoff")).alias("at_or_below_near_poor"),
        (pl.col("score") <= pl.col("average_living_cutoff")).alias("at_or_below_average_living"),
    )
    out = apply_scores(engine_result(), frame, standard, on)
    return {h: (k, b) for h, k, b in out.select("household_id", "class", "income_basis").iter_rows()}


def test_it_classifies_by_score_and_deprivations_under_an_income_band_rule():
    # hcm_2021: poor at or below the line with 3+ deprivations, near-poor with fewer or up to the band.
    result = reclassify(scored({1: 30, 2: 30, 3: 35, 4: 40.5}), "hcm_2021", dt.date(2023, 1, 1))
    assert result == {
        1: ("poor", "scoring:9"),
        2: ("near_poor", "scoring:9"),
        3: ("near_poor", "scoring:9"),
        4: ("not_poor", "scoring:9"),
        5: ("poor", "surveyed_income"),
    }


def test_it_splits_by_deprivations_only_and_falls_back_to_income_for_the_average_band():
    # vn_2022: near-poor only at or below the poor cut-off; no average-living cut-off, so income decides it.
    result = reclassify(scored({1: 30, 2: 30, 3: 35, 4: 40.5}), "vn_2022", dt.date(2025, 9, 1))
    assert {h: k for h, (k, _b) in result.items()} == {
        1: "poor",
        2: "near_poor",
        3: "average_living",
        4: "not_poor",
        5: "poor",
    }
    with_band = reclassify(
        scored({3: 35, 4: 40.5}, poor=30, near_poor=40, average_living=45), "vn_2022", dt.date(2025, 9, 1)
    )
    assert with_band[3][0] == "average_living" and with_band[4][0] == "average_living"


def test_it_leaves_every_result_on_surveyed_income_without_scores():
    out = apply_scores(engine_result(), None, "vn_2022", dt.date(2025, 9, 1))
    assert out["income_basis"].unique().to_list() == ["surveyed_income"]
    assert out["class"].to_list() == engine_result()["class"].to_list()


# --- which method applies ------------------------------------------------------------------------------


@pytest.fixture
def admin(make_user):
    return make_user("administrator")


def load(admin, **kw):
    kw.setdefault("name", "Ví dụ")
    kw.setdefault("region", "79")
    kw.setdefault("area_type", "urban")
    kw.setdefault("valid_from", dt.date(2022, 1, 1))
    kw.setdefault("table", {"has_tv": {"true": 10}})
    kw.setdefault("cutoffs", {"poor": 30, "near_poor": 40})
    kw.setdefault("reference", "Ví dụ bịa, không phải Thông tư 07/2021")
    return actions.do_load_scoring_method(actor=admin, **kw)


def test_it_picks_the_method_by_province_area_and_date(admin):
    everywhere = load(admin, region="*")
    city = load(admin, valid_from=dt.date(2023, 1, 1))
    later = load(admin, valid_from=dt.date(2026, 1, 1))
    ended = load(admin, region="79", area_type="rural", valid_to=dt.date(2024, 12, 31))
    rural_all = load(admin, region="*", area_type="rural")
    assert methods_for("79", dt.date(2022, 6, 1))["urban"].id == everywhere.pk  # the city's starts in 2023
    assert {a: m.id for a, m in methods_for("79", dt.date(2024, 6, 1)).items()} == {"urban": city.pk, "rural": ended.pk}
    assert {a: m.id for a, m in methods_for("79", dt.date(2025, 9, 1)).items()} == {
        "urban": city.pk,
        "rural": rural_all.pk,
    }
    assert methods_for("79", dt.date(2026, 2, 1))["urban"].id == later.pk
    assert methods_for("01", dt.date(2025, 9, 1))["urban"].id == everywhere.pk
    assert methods_for("79", dt.date(2021, 12, 31)) == {}


# --- loading -------------------------------------------------------------------------------------------


@translation.override("en")
def test_it_names_each_wrong_field_and_the_reason():
    _spec, errors = check_method(
        {
            "name": "",
            "region": "Nam Bộ",
            "area_type": "city",
            "valid_from": "2022-13-01",
            "reference": "x",
            "cutoffs": {"poor": 50, "near_poor": 40, "extreme": 1},
            "points": {
                "water_source": {"tap": 3},
                "floor_area_m2": {"bands": [[10, 1], [5, 2]]},
                "no_such": {"a": 1},
                "has_tv": {"points": {"true": 1}, "count": "sum"},
                "has_radio": {"true": "many"},
            },
        }
    )
    assert errors == {
        "name": "is required (at most 120 characters)",
        "region": "must be a province code (two digits) or * for every province",
        "area_type": "must be urban or rural",
        "valid_from": "must be a date (YYYY-MM-DD)",
        "cutoffs.extreme": "is not a cut-off (poor, near_poor, average_living)",
        "cutoffs": "must not fall from poor to near_poor to average_living",
        "points.water_source.tap": "is not an answer of this field",
        "points.floor_area_m2.bands": "lower bounds must rise from one band to the next",
        "points.no_such": "is not a field of form B",
        "points.has_tv.count": "count applies to member fields only",
        "points.has_radio.true": "points must be a number",
    }


@translation.override("en")
def test_it_refuses_a_method_through_the_action_with_its_errors(admin):
    with pytest.raises(ReviewError) as caught:
        load(admin, cutoffs={"poor": 30})
    assert caught.value.errors == {"cutoffs.near_poor": "is required"}
    assert not ScoringMethod.objects.exists()


def test_it_lets_only_an_administrator_load_a_method(officer):
    with pytest.raises(NotAllowed):
        load(officer)


def test_it_reads_the_invented_example_which_says_so():
    text = EXAMPLE.read_text(encoding="utf-8")
    assert "INVENTED EXAMPLE — NOT OFFICIAL POINTS" in text
    specs = scoring.read_scoring_file(EXAMPLE)
    assert [s["area_type"] for s in specs] == ["urban", "rural"]
    assert all(not s["verified"] and "INVENTED" in s["reference"] for s in specs)
    assert specs[0]["table"]["education_level"]["count"] == "max"
    assert specs[0]["table"]["wall_durable"] == {"points": {"true": 4, "false": 0}}


def test_it_loads_a_file_once_with_an_audit_event_per_method(admin):
    out = io.StringIO()
    call_command("load_scoring", str(EXAMPLE), "--user", admin.username, stdout=out)
    assert "2 method(s) loaded, 0 unchanged" in out.getvalue()
    assert "NOT VERIFIED" in out.getvalue()
    assert ScoringMethod.objects.filter(verified=False).count() == 2
    events = AuditEvent.objects.filter(action="review.scoring.load")
    assert events.count() == 2
    assert events.first().changes["cutoffs"][1]["poor"] in (40, 30)
    again = io.StringIO()
    call_command("load_scoring", str(EXAMPLE), "--user", admin.username, stdout=again)
    assert "0 method(s) loaded, 2 unchanged" in again.getvalue()
    assert ScoringMethod.objects.count() == 2


@translation.override("en")
def test_it_loads_nothing_from_a_file_with_one_wrong_method(admin, tmp_path):
    text = EXAMPLE.read_text(encoding="utf-8").replace(
        "drilled_well: 4, protected_dug_well: 3", "drilled_well: 4, tap: 3"
    )
    bad = tmp_path / "bad.yaml"
    bad.write_text(text, encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 problem"):
        call_command("load_scoring", str(bad), "--user", admin.username, stderr=err)
    assert "methods[1].points.water_source.tap: is not an answer of this field" in err.getvalue()
    assert not ScoringMethod.objects.exists()


@translation.override("en")
def test_it_refuses_the_command_to_a_user_who_may_not_configure(officer):
    with pytest.raises(CommandError, match="administrator"):
        call_command(
            "load_scoring", str(EXAMPLE), "--user", officer.username, stdout=io.StringIO(), stderr=io.StringIO()
        )
    assert not ScoringMethod.objects.exists()


# --- a round end to end ---------------------------------------------------------------------------------


def submit(officer, review_round, household, income, **changes):
    rh = review_round.households.get(household=household)
    given = answers_b(household, income=income)
    given["household"].update(changes)
    survey = actions.do_save_survey(actor=officer, round_household=rh, form="B", answers=given)
    actions.do_submit_survey(actor=officer, survey=survey, surveyed_on=dt.date(YEAR, 9, 10))


def test_it_assesses_a_round_by_the_score_where_a_method_applies(
    settings, admin, officer, make_round, poor_household, rich_household, make_household, ward_a
):
    m = load(
        admin,
        name="Chấm điểm thử",
        table={"has_radio": {"false": 40, "true": 41}},
        cutoffs={"poor": 40, "near_poor": 50},
    )
    unsurveyed = make_household(ward_a, members=[deprived_member()], water_source="unprotected_well")
    review_round = make_round()
    actions.do_build_household_list(actor=officer, review_round=review_round, screening=False)
    for h in (poor_household, rich_household, unsurveyed):
        actions.do_add_round_household(
            actor=officer, review_round=review_round, household=h, requested_on=dt.date(YEAR, 9, 2), reason="Hộ đề nghị"
        )
    submit(officer, review_round, rich_household, RICH_INCOME, has_radio=False)  # 40: exactly at the poor cut-off
    submit(officer, review_round, poor_household, POOR_INCOME, has_radio=True)  # 41: above it
    actions.do_assess_round(actor=officer, review_round=review_round)
    results = {a.household_id: a for a in Assessment.objects.filter(round=review_round)}

    rich = results[rich_household.pk]
    assert rich.income_basis == f"scoring:{m.pk}"
    assert rich.klass == ("poor" if rich.deprivation_count >= 3 else "near_poor"), rich.explanation
    assert "điểm Phiếu B 40 ≤ điểm chuẩn hộ nghèo 40" in rich.explanation
    assert "«Chấm điểm thử»" in rich.explanation and "CHƯA đối chiếu" in rich.explanation
    assert "Ví dụ bịa, không phải Thông tư 07/2021" in rich.explanation

    poor = results[poor_household.pk]
    assert poor.income_basis == f"scoring:{m.pk}"
    assert "điểm Phiếu B 41 > điểm chuẩn hộ nghèo 40" in poor.explanation
    assert poor.klass == "average_living"  # above the cut-off; the surveyed income is in the average band

    other = results[unsurveyed.pk]
    assert (other.income_basis, other.klass) == ("surveyed_income", "poor")  # no form B: surveyed income

    settings.LANGUAGE_CODE = "vi"
    client = Client()
    client.force_login(officer)
    page = client.get(reverse("review-results", args=[review_round.pk])).content.decode()
    assert 'id="scoring-methods"' in page and "notice--warning" in page
    assert "Chấm điểm thử" in page and "tag--red" in page
    assert "CHƯA được đối chiếu với văn bản chính thức" in page  # the flag, in Vietnamese


def test_it_keeps_surveyed_income_when_no_method_applies(admin, officer, make_round, poor_household):
    load(admin, area_type="rural")  # the ward is urban
    review_round = make_round()
    actions.do_build_household_list(actor=officer, review_round=review_round, screening=False)
    actions.do_add_round_household(
        actor=officer,
        review_round=review_round,
        household=poor_household,
        requested_on=dt.date(YEAR, 9, 2),
        reason="Hộ đề nghị",
    )
    submit(officer, review_round, poor_household, POOR_INCOME)
    actions.do_assess_round(actor=officer, review_round=review_round)
    a = Assessment.objects.get(round=review_round, household=poor_household)
    assert (a.income_basis, a.klass) == ("surveyed_income", "poor")


def test_it_checks_a_file_through_the_ansinh_command(admin, monkeypatch):
    import django.core.management

    from ansinh.cli import main

    seen = []
    monkeypatch.setattr(django.core.management, "execute_from_command_line", seen.append)
    main(["ansinh", "load-scoring", str(EXAMPLE), "--user", admin.username, "--check"])
    assert seen == [["ansinh", "load_scoring", str(EXAMPLE), "--user", admin.username, "--check"]]
    out = io.StringIO()
    call_command(*seen[0][1:], stdout=out)  # run_from_argv would close the test's database connection
    assert "2 method(s) checked; nothing loaded (--check)." in out.getvalue()
    assert not ScoringMethod.objects.exists()


@translation.override("en")
def test_a_method_names_its_jurisdiction_as_every_legal_number_does_and_still_reads_region():
    fields = {
        "name": "m",
        "area_type": "urban",
        "valid_from": "2022-01-01",
        "reference": "x",
        "cutoffs": {"poor": 1, "near_poor": 2},
        "points": {"has_tv": {"true": 1}},
    }
    by_jurisdiction, errors = check_method({**fields, "jurisdiction": "79"})
    assert not errors and by_jurisdiction["region"] == "79"
    by_region, errors = check_method({**fields, "region": "79"})
    assert not errors and by_region == by_jurisdiction
    _spec, errors = check_method({**fields, "jurisdiction": "Nam Bộ"})
    assert errors == {"jurisdiction": "must be a province code (two digits) or * for every province"}
    _spec, errors = check_method({**fields, "jurisdiction": "79", "region": "79"})
    assert errors == {"region": "give the jurisdiction only"}
