"""Named reads of payrolls: the frames a payroll is computed from (one query each), and what the pages show,
always starting from the user's scope (``ansinh.accounts.scope``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
from django.db.models import Count, OuterRef, QuerySet, Subquery, Sum

from ansinh.accounts.scope import get_in_area, scoped
from ansinh.payments.models import Payroll, PayrollLine
from ansinh.programs.models import Enrolment
from ansinh.registry.models import Membership

ENROLMENT_SCHEMA = {
    "enrolment_id": pl.Int64,
    "member_id": pl.Int64,
    "category": pl.String,
    "start_month": pl.Date,
    "end_month": pl.Date,
    "date_of_birth": pl.Date,
    "date_of_death": pl.Date,
    "ward_code": pl.String,
}


def payroll_inputs(programme: str, month: dt.date, ward_code: str) -> pl.DataFrame:
    """The enrolments of ``programme`` in force in ``month`` in the ward, with the person columns the rules
    read (one query; the date of death is the end of the membership a death closed)."""
    death = Membership.objects.filter(member=OuterRef("member_id"), end_reason="death").values("end")[:1]
    rows = (
        Enrolment.objects.in_force(month)
        .filter(programme=programme, member__household__ward_id=ward_code)
        .annotate(date_of_death=Subquery(death))
        .order_by("pk")
        .values_list(
            "pk", "member_id", "category", "start_month", "end_month", "member__date_of_birth", "date_of_death",
            "member__household__ward_id",
        )
    )  # fmt: skip
    return pl.DataFrame(list(rows), schema=ENROLMENT_SCHEMA, orient="row")


def scoped_payrolls(user: Any) -> QuerySet[Payroll]:
    return scoped(user, Payroll.objects.all(), resource="payroll")


def get_payroll_for(user: Any, pk: int) -> Payroll:
    """The payroll by the one rule for refusals: 404 outside the user's area, 403 inside without payroll.view."""
    payroll: Payroll = get_in_area(
        user, Payroll.objects.select_related("ward", "computed_by", "approved_by"), resource="payroll", pk=pk
    )
    return payroll


def totals(payroll: Payroll) -> list[dict[str, Any]]:
    """The payroll's totals by ward and category: people paid, not paid, amount."""
    return [
        dict(row)
        for row in PayrollLine.objects.filter(payroll=payroll)
        .values("ward_code", "category")
        .annotate(lines=Count("id"), amount=Sum("amount"))
        .order_by("ward_code", "category")
    ]


def household_benefits(user: Any, household_id: int) -> list[PayrollLine]:
    """The payroll lines of a household's members, newest month first (one query), for a user who may see
    enrolments; aborted payrolls left out."""
    return list(
        scoped(user, PayrollLine.objects.all(), resource="enrolment", ward="member__household__ward")
        .filter(member__household_id=household_id)
        .exclude(payroll__status="aborted")
        .select_related("member")
        .order_by("-month", "member_id", "programme")[:60]
    )
