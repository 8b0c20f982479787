"""A small synthetic city with everything the reports read: two approved review rounds in each ward (2025 and
2026, the city changing in between), frozen payrolls of two months, two years of dossiers with ratings.
Seeded (fixed seeds), so the runners' outputs can be pinned by snapshots."""

from __future__ import annotations

import datetime as dt
import io
import random
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection

from ansinh.dossiers.models import Dossier, Rating
from ansinh.dossiers.synth import build_year
from ansinh.payments.actions import do_compute_payroll, do_create_payroll, do_freeze_payroll
from ansinh.payments.demo import ensure_demo_enrolments
from ansinh.reports import facts
from ansinh.review import actions

HOUSEHOLDS = 900
WARD_COUNT = 3


def run_round(actor: Any, ward: Any, year: int) -> Any:
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
        actor=actor, review_round=review_round, number=f"{ward.code}/{year}/QĐ-UBND",
        date=posting.end + dt.timedelta(days=1),
    )  # fmt: skip
    return review_round


def change_the_city(wards: list[Any]) -> None:
    """A year passes, set-based: incomes rise and fall, some households move ward, some dissolve."""
    with connection.cursor() as cur:
        cur.execute("UPDATE registry_member SET monthly_income = monthly_income * 3 WHERE id % 4 = 0")
        cur.execute("UPDATE registry_member SET monthly_income = monthly_income / 3 WHERE id % 5 = 1")
        for a, b in zip(wards, [*wards[1:], wards[0]], strict=True):
            cur.execute(
                "UPDATE registry_household SET ward_id = %s WHERE ward_id = %s AND id %% 37 = 0", [b.code, a.code]
            )
        cur.execute("UPDATE registry_household SET status = 'dissolved' WHERE id % 101 = 0")


def rate_some(year: int, seed: int) -> None:
    rng = random.Random(seed)
    dossiers = list(Dossier.objects.filter(received_at__year=year).order_by("pk").values_list("pk", "received_at"))
    Rating.objects.bulk_create(
        [
            Rating(dossier_id=pk, level=rng.choice([5, 5, 4, 4, 3, 2]), at=at + dt.timedelta(days=8))
            for pk, at in rng.sample(dossiers, len(dossiers) // 2)
        ]
    )


def build_city(admin_user: Any, province: Any) -> list[Any]:
    from ansinh.geo.models import Ward

    wards = [
        Ward.objects.create(
            code=f"9{i:04d}", name=f"Phường {i}", kind="ward" if i % 3 else "commune", province=province,
            area_type="urban" if i % 3 else "rural",
        )
        for i in range(1, WARD_COUNT + 1)
    ]  # fmt: skip
    call_command("seed", households=HOUSEHOLDS, province="79", seed=7, stdout=io.StringIO())
    for w in wards:
        run_round(admin_user, w, 2025)
    change_the_city(wards)
    for w in wards:
        run_round(admin_user, w, 2026)
    ensure_demo_enrolments("79", dt.date(2026, 1, 1))
    for month in (dt.date(2026, 5, 1), dt.date(2026, 6, 1)):
        for w in wards:
            payroll = do_create_payroll(actor=None, programme="social_assistance", month=month, ward=w)
            do_freeze_payroll(actor=None, payroll=do_compute_payroll(actor=None, payroll=payroll))
    codes = [w.code for w in wards]
    build_year(codes, year=2025, total=150, early_or_on_time=140, seed=1)
    build_year(codes, year=2026, total=180, early_or_on_time=171, seed=2)
    rate_some(2025, 3)
    rate_some(2026, 4)
    return wards


@pytest.fixture(scope="module")
def city(django_db_setup: Any, django_db_blocker: Any) -> Any:
    """Built once per test module inside a transaction rolled back at its end (15 s on SQLite)."""
    from django.db import transaction

    from ansinh.accounts.models import User
    from ansinh.geo.models import Province

    with django_db_blocker.unblock(), transaction.atomic():
        province = Province.objects.create(code="79", name="Thành phố Hồ Chí Minh", kind="city")
        admin = User.objects.create_superuser(username="city-admin", password="pw-for-tests")
        wards = build_city(admin, province)
        facts.rebuild()
        yield wards
        transaction.set_rollback(True)
