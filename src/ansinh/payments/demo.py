"""Enrolments and payrolls for the demo city: who the synthetic registry qualifies (``engine.benefits.candidates``,
from its disability assessments, pensions and people with merit) is enrolled by a made-up decision. Set-based: one
read, bulk inserts. Only for the demo and the synthetic city; the numbers of enrolments are not legal data."""

from __future__ import annotations

import datetime as dt

import polars as pl
from django.db import transaction
from django.utils import timezone

from ansinh.engine.benefits import candidates
from ansinh.geo.models import Ward
from ansinh.lib.sheets import csv_bytes
from ansinh.payments.actions import (
    do_approve_payroll,
    do_compute_payroll,
    do_create_campaign_payroll,
    do_create_follow_up,
    do_create_payroll,
    do_create_verification,
    do_export_payroll,
    do_freeze_payroll,
    do_import_results,
    do_submit_payroll,
)
from ansinh.payments.models import Payroll, PayrollLine
from ansinh.payments.queries import payable_lines
from ansinh.programs.models import Decision, DecisionKind, Enrolment
from ansinh.programs.rules import campaigns, legal_rules
from ansinh.registry.actions import do_record_death
from ansinh.registry.bulk import analyze
from ansinh.registry.models import Member

FIRST_START = dt.date(2023, 1, 1)
CONVALESCE_EVERY = 3  # one war invalid in this many also convalesces at home in the demo
SOCIAL_PENSION_START = dt.date(2025, 7, 1)


def _months_after(start: dt.date, months: pl.Expr) -> pl.Expr:
    """``start`` plus ``months`` months (the first day), as an expression."""
    return pl.date(start.year + (start.month - 1 + months) // 12, (start.month - 1 + months) % 12 + 1, 1)


@transaction.atomic
def ensure_demo_enrolments(province_code: str, on: dt.date) -> int:
    """Enrol the qualifying people of the province's registry (once); returns how many enrolments were made."""
    if Enrolment.objects.exists():
        return 0
    rows = Member.objects.filter(status="active", household__ward__province_id=province_code).values_list(
        "pk",
        "household__ward_id",
        "date_of_birth",
        "disability_level",
        "disability_assessed_on",
        "pension_monthly",
        "merit_category",
    )
    people = pl.DataFrame(
        list(rows),
        schema={"member_id": pl.Int64, "ward_code": pl.String, "date_of_birth": pl.Date,
                "disability_level": pl.String, "disability_assessed_on": pl.Date, "pension_monthly": pl.Int64,
                "merit_category": pl.String},
        orient="row",
    ).with_columns(
        pl.lit(None, dtype=pl.Date).alias("date_of_death"),
        pl.col("merit_category").replace("", None),
        pl.lit(None, dtype=pl.String).alias("poverty_class"),
    )  # fmt: skip
    if people.is_empty():
        return 0
    chosen = (
        candidates(people, legal_rules(), on).filter(pl.col("qualifies")).select("member_id", "programme", "category")
    )
    # Some war invalids also convalesce at home (a second merit category, so the Tết campaign's duplicate
    # report has people in two groups).
    convalescing = chosen.filter(
        pl.col("category").is_in(["war_invalid_81", "war_invalid_100"]) & (pl.col("member_id") % CONVALESCE_EVERY == 0)
    ).with_columns(pl.lit("home_convalescence").alias("category"))
    chosen = pl.concat([chosen, convalescing])
    chosen = chosen.unique(["member_id", "programme", "category"]).sort("member_id", "programme")
    first = (
        pl.when(pl.col("programme") == "social_pension")
        .then(_months_after(SOCIAL_PENSION_START, pl.col("member_id") % 12))
        .otherwise(_months_after(FIRST_START, pl.col("member_id") % 30))
    )
    chosen = chosen.with_columns(first.alias("start_month")).filter(pl.col("start_month") <= on)
    enrolments = Enrolment.objects.bulk_create(
        [Enrolment(member_id=r["member_id"], programme=r["programme"], category=r["category"],
                   start_month=r["start_month"]) for r in chosen.iter_rows(named=True)],
        batch_size=5000,
    )  # fmt: skip
    now = timezone.now()
    decisions = []
    for number, enrolment in enumerate(enrolments, start=1):
        date = enrolment.start_month - dt.timedelta(days=10)
        decisions.append(
            Decision(enrolment=enrolment, kind=DecisionKind.GRANT, number=f"{number}/QĐ-UBND", date=date,
                     signer_role=str(legal_rules().value_at("decision.signer_role", date)),
                     effective_month=enrolment.start_month, recorded_at=now)
        )  # fmt: skip
    Decision.objects.bulk_create(decisions, batch_size=5000)
    analyze([Enrolment, Decision])  # the payrolls computed next plan with the rows just written
    return len(enrolments)


def ensure_demo_payrolls(ward: Ward, month: dt.date) -> list[Payroll]:
    """Last month's payrolls of the demo ward (once): the social assistance one frozen and waiting for the
    program officer's approval, the social pension one computed, both by the system."""
    month = month.replace(day=1)
    if Payroll.objects.filter(ward=ward, month=month).exists():
        return []
    past = _reconciled_payroll(ward, (month - dt.timedelta(days=1)).replace(day=1))
    _late_death(past[0])
    assistance = do_create_payroll(actor=None, programme="social_assistance", month=month, ward=ward)
    assistance = do_compute_payroll(actor=None, payroll=assistance)
    assistance = do_freeze_payroll(actor=None, payroll=assistance)
    assistance = do_submit_payroll(actor=None, payroll=assistance)
    pension = do_create_payroll(actor=None, programme="social_pension", month=month, ward=ward)
    pension = do_compute_payroll(actor=None, payroll=pension)
    return [assistance, pension, *past, *_campaign_payrolls(ward)]


def _late_death(paid: Payroll) -> None:
    """A death reported after the payroll that paid its month was sent: the person (not a head of household)
    died on the 15th of the month before, so the next payroll recovers the payment and the officer's due list
    proposes to stop the allowance."""
    line = (
        PayrollLine.objects.filter(payroll=paid, status="paid", amount__gt=0, result__outcome="paid")
        .exclude(member__relation="head")
        .select_related("member")
        .order_by("member_id")
        .first()
    )
    if line is not None:
        on = (paid.month - dt.timedelta(days=1)).replace(day=15)
        do_record_death(actor=None, member=line.member, on=on)


FAILED_EVERY = 40  # one payment in this many fails in the demo's results file (the person was away)


def _reconciled_payroll(ward: Ward, month: dt.date) -> list[Payroll]:
    """The month before: paid through the post office, its results imported (a few failed, paid again by a
    follow-up payroll) and a verification sample drawn, so the demo shows a payroll's whole life."""
    payroll = do_create_payroll(actor=None, programme="social_assistance", month=month, ward=ward)
    for step in (do_compute_payroll, do_freeze_payroll, do_submit_payroll, do_approve_payroll):
        payroll = step(actor=None, payroll=payroll)
    do_export_payroll(actor=None, payroll=payroll, layout="post_office")
    lines = payable_lines(payroll.pk)
    failed = (pl.col("line_id") % FAILED_EVERY) == 0
    results = lines.select(
        pl.col("line_id").alias("Mã dòng chi trả"),
        pl.when(failed).then(pl.lit("Không chi được")).otherwise(pl.lit("Đã chi")).alias("Kết quả"),
        pl.when(failed).then(0).otherwise(pl.col("amount")).alias("Số tiền đã chi"),
        pl.lit(f"{month.replace(day=10):%d/%m/%Y}").alias("Ngày chi"),
        pl.when(failed).then(pl.lit("Vắng nhà")).otherwise(pl.lit("")).alias("Lý do"),
    )
    do_import_results(actor=None, payroll=payroll, name="ket-qua-chi-tra.csv", content=csv_bytes(results))
    payroll.refresh_from_db()
    made = [payroll]
    if results["Kết quả"].eq("Không chi được").any():
        made.append(do_create_follow_up(actor=None, payroll=payroll, reason="Chi lại các khoản chưa chi được"))
    do_create_verification(actor=None, payroll=payroll, seed=2026)
    return made


def _campaign_payrolls(ward: Ward) -> list[Payroll]:
    """Each campaign of the rules whose month has begun, computed for the demo ward."""
    today = timezone.localdate()
    made = []
    for code, campaign in campaigns().items():
        if campaign.month <= today:
            payroll = do_create_campaign_payroll(actor=None, campaign=code, ward=ward)
            made.append(do_compute_payroll(actor=None, payroll=payroll))
    return made
