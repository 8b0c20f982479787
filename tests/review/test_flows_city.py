"""In a seeded city with two consecutive approved rounds, the flow identity holds for every ward and the
city totals equal the sum of the wards.

Runs on a city of 5,000 households by default; ``ANSINH_FULL=1`` seeds 100,000 (the figure of issue 5).
"""

from __future__ import annotations

import datetime as dt
import io
import os
import time

import polars as pl
import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Count

from ansinh.review import actions
from ansinh.review.models import Assessment, PovertyStatus, Round
from ansinh.review.queries import CITY, FLOW_COLUMNS, compute_flows, status_frame

N = 100_000 if os.environ.get("ANSINH_FULL") == "1" else 5_000
WARDS = 8 if N > 10_000 else 4  # over 900 households a ward either way (the set-based paths)


@pytest.fixture
def city(province, admin_user):
    from ansinh.geo.models import Ward

    wards = [
        Ward.objects.create(
            code=f"9{i:04d}",
            name=f"Phường {i}",
            kind="ward" if i % 3 else "commune",
            province=province,
            area_type="urban" if i % 3 else "rural",
        )
        for i in range(1, WARDS + 1)
    ]
    call_command("seed", households=N, province="79", seed=7, stdout=io.StringIO())
    return wards


def run_round(actor, ward, year: int) -> Round:
    review_round = actions.do_create_round(actor=actor, ward=ward, kind="periodic", year=year)
    actions.do_build_household_list(actor=actor, review_round=review_round)
    actions.do_move_round(actor=actor, review_round=review_round, to_status="surveying")
    actions.do_assess_round(actor=actor, review_round=review_round)
    votes = {pk: (12, 7) for pk in review_round.households.exclude(stage="removed").values_list("pk", flat=True)}
    actions.do_record_meeting(
        actor=actor, review_round=review_round, held_on=dt.date(year, 10, 28), present_count=12, votes=votes
    )
    posting = actions.do_open_posting(actor=actor, review_round=review_round, start=dt.date(year, 11, 3))
    actions.do_approve_round(
        actor=actor,
        review_round=review_round,
        number=f"{ward.code}/{year}/QĐ-UBND",
        date=posting.end + dt.timedelta(days=1),
    )
    review_round.refresh_from_db()
    return review_round


def change_the_city(wards) -> None:
    """A year passes, set-based: incomes rise and fall, some households move ward, some dissolve."""
    with connection.cursor() as cur:
        cur.execute("UPDATE registry_member SET monthly_income = monthly_income * 3 WHERE id % 4 = 0")
        cur.execute("UPDATE registry_member SET monthly_income = monthly_income / 3 WHERE id % 5 = 1")
        for a, b in zip(wards, [*wards[1:], wards[0]], strict=True):
            cur.execute(
                "UPDATE registry_household SET ward_id = %s WHERE ward_id = %s AND id %% 37 = 0", [b.code, a.code]
            )
        cur.execute("UPDATE registry_household SET status = 'dissolved' WHERE id % 101 = 0")


@pytest.mark.slow
@pytest.mark.django_db
def test_it_balances_the_flows_of_every_ward_and_the_city(city, admin_user, capsys):
    started = time.perf_counter()
    first = [run_round(admin_user, w, 2025) for w in city]
    change_the_city(city)
    second = [run_round(admin_user, w, 2026) for w in city]
    rounds_done = time.perf_counter()
    a, b = max(r.decision.date for r in first), max(r.decision.date for r in second)

    report = compute_flows(status_frame(), a, b)
    flows_done = time.perf_counter()

    assert report.mismatches.is_empty(), report.mismatches
    assert report.table["balanced"].all(), report.table.filter(~pl.col("balanced"))
    wards = report.table.filter(pl.col("ward_code") != CITY)
    city_rows = report.table.filter(pl.col("ward_code") == CITY)
    summed = wards.group_by("standard_id").agg(pl.col(list(FLOW_COLUMNS)).sum()).sort("standard_id")
    assert summed.to_dicts() == city_rows.select("standard_id", *FLOW_COLUMNS).sort("standard_id").to_dicts()
    assert set(wards["standard_id"]) == {"vn_2022", "hcm_2024"}
    # The start and end of every ward are the classes its two decisions recognised.
    for label, rounds, column in (("start", first, "start_poor"), ("end", second, "end_poor")):
        expected = dict(
            Assessment.objects.filter(round__in=rounds, standard_id="hcm_2024", klass="poor")
            .values_list("round__ward_id")
            .annotate(n=Count("id"))
        )
        got = dict(wards.filter(pl.col("standard_id") == "hcm_2024").select("ward_code", column).iter_rows())
        assert {k: v for k, v in got.items() if v} == expected, label
    # Round 2 compared every household with its class under the first decisions.
    before = set(
        PovertyStatus.objects.on(dt.date(2026, 9, 1)).filter(klass="poor").values_list("household_id", "standard_id")
    )
    assessed = set(Assessment.objects.filter(round__in=second).values_list("household_id", "standard_id"))
    flagged = set(
        Assessment.objects.filter(round__in=second, previous_class="poor").values_list("household_id", "standard_id")
    )
    assert flagged == before & assessed and flagged
    assert Assessment.objects.filter(round__in=second, changed=True).exists()
    # The city moved: every kind of flow happened somewhere.
    totals = city_rows.filter(pl.col("standard_id") == "hcm_2024").row(0, named=True)
    for flow in ("escaped_poverty", "newly_poor", "moved_in_poor", "moved_out_poor", "escaped_near_poverty"):
        assert totals[flow] > 0, flow
    assert PovertyStatus.objects.filter(escaped_on__isnull=False).exists()
    with capsys.disabled():
        print(
            f"\n[flows city] N={N:,} households, {WARDS} wards, 2 rounds x 2 standards: rounds "
            f"{rounds_done - started:.1f} s, flows {flows_done - rounds_done:.2f} s; "
            f"statuses {PovertyStatus.objects.count():,}"
        )
