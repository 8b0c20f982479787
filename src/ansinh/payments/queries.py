"""Named reads of payrolls: the frames a payroll is computed from (one query each), and what the pages show,
always starting from the user's scope (``ansinh.accounts.scope``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery, Sum

from ansinh import vocab
from ansinh.accounts.scope import get_in_area, scoped
from ansinh.dbframes import read_values
from ansinh.payments.models import PaymentResult, Payroll, PayrollLine
from ansinh.programs.models import Decision, Enrolment
from ansinh.registry.models import Member, Membership
from ansinh.review.models import PovertyStatus

ENROLMENT_SCHEMA = {
    "enrolment_id": pl.Int64,
    "member_id": pl.Int64,
    "category": pl.String,
    "start_month": pl.Date,
    "end_month": pl.Date,
    "decided_on": pl.Date,
    "date_of_birth": pl.Date,
    "date_of_death": pl.Date,
    "ward_code": pl.String,
}
PAID_SCHEMA = {"member_id": pl.Int64, "for_month": pl.Date, "paid": pl.Int64}
EXPORTED_SCHEMA = {
    "line_id": pl.Int64,
    "enrolment_id": pl.Int64,
    "member_id": pl.Int64,
    "ward_code": pl.String,
    "category": pl.String,
    "age": pl.Int32,
    "for_month": pl.Date,
    "amount": pl.Int64,
    "date_of_death": pl.Date,
}
# Payrolls whose payments have gone to the payment channel: a payment found due back is recovered.
PAID_OUT = ("exported", "reconciling", "reconciled", "closed")


def _death() -> Subquery:
    return Subquery(Membership.objects.filter(member=OuterRef("member_id"), end_reason="death").values("end")[:1])


def payroll_inputs(programme: str, month: dt.date, ward_code: str) -> pl.DataFrame:
    """The enrolments of ``programme`` in the ward that started by ``month`` and were in force in it or owed
    for an earlier month (the decision dated after their first month), with the date of the granting decision
    and the person columns the rules read; one query read through ``dbframes`` (the date of death is the end
    of the membership a death closed)."""
    decided = Decision.objects.filter(enrolment=OuterRef("pk")).order_by("id").values("date")[:1]
    rows = (
        Enrolment.objects.filter(programme=programme, member__household__ward_id=ward_code, start_month__lte=month)
        .annotate(decided_on=Subquery(decided), date_of_death=_death())
        .filter(Q(end_month__isnull=True) | Q(end_month__gte=month) | Q(decided_on__gte=F("start_month")))
        .order_by("pk")
        .values_list(
            "pk", "member_id", "category", "start_month", "end_month", "decided_on", "member__date_of_birth",
            "date_of_death", "member__household__ward_id",
        )
    )  # fmt: skip
    return read_values(rows, ENROLMENT_SCHEMA)


CAMPAIGN_SCHEMA = {
    "enrolment_id": pl.Int64,
    "member_id": pl.Int64,
    "programme": pl.String,
    "category": pl.String,
    "date_of_birth": pl.Date,
    "date_of_death": pl.Date,
    "ward_code": pl.String,
}


def campaign_inputs(programmes: list[str], month: dt.date, ward_code: str) -> pl.DataFrame:
    """The enrolments of ``programmes`` in force in ``month`` in the ward, with the person columns a
    campaign's groups read (one query through ``dbframes``)."""
    rows = (
        Enrolment.objects.in_force(month)
        .filter(programme__in=programmes, member__household__ward_id=ward_code)
        .annotate(date_of_death=_death())
        .order_by("pk")
        .values_list("pk", "member_id", "programme", "category", "member__date_of_birth", "date_of_death",
                     "member__household__ward_id")
    )  # fmt: skip
    return read_values(rows, CAMPAIGN_SCHEMA)


def campaign_lines_frame(payroll_id: int) -> pl.DataFrame:
    """A campaign payroll's lines, for its duplicate report."""
    rows = (
        PayrollLine.objects.filter(payroll_id=payroll_id)
        .order_by("pk")
        .values_list("member_id", "member__full_name", "category", "paid_category", "amount")
    )
    schema = {"member_id": pl.Int64, "full_name": pl.String, "category": pl.String, "paid_category": pl.String,
              "amount": pl.Int64}  # fmt: skip
    return pl.DataFrame(list(rows), schema=schema, orient="row")


def paid_before(programme: str, month: dt.date, member_ids: list[int], payroll_id: int) -> pl.DataFrame:
    """What each of ``member_ids`` was paid by ``programme`` for each month before ``month`` (the months'
    regular lines, arrears and repaid lines of every other payroll; aborted payrolls keep no lines)."""
    if not member_ids:
        return pl.DataFrame(schema=PAID_SCHEMA)
    rows = (
        PayrollLine.objects.filter(programme=programme, status="paid", for_month__lt=month, member_id__in=member_ids)
        .exclude(payroll_id=payroll_id)
        .values("member_id", "for_month")
        .annotate(paid=Sum("amount"))
        .order_by("member_id", "for_month")
        .values_list("member_id", "for_month", "paid")
    )
    return pl.DataFrame(list(rows), schema=PAID_SCHEMA, orient="row")


def exported_after_death(programme: str, ward_code: str, payroll_id: int) -> pl.DataFrame:
    """Payments of ``programme`` to people of the ward who have died, already sent to the payment channel,
    not failed and not yet taken back by another payroll: the candidates for a recovery."""
    recovered = PayrollLine.objects.filter(source_line=OuterRef("pk"), kind="recovery").exclude(payroll_id=payroll_id)
    rows = (
        PayrollLine.objects.filter(programme=programme, ward_code=ward_code, status="paid",
                                   payroll__status__in=PAID_OUT, amount__gt=0)
        .annotate(date_of_death=_death())
        .filter(date_of_death__isnull=False)
        .exclude(Exists(recovered))
        .exclude(result__outcome="failed")
        .order_by("pk")
        .values_list("pk", "enrolment_id", "member_id", "ward_code", "category", "age", "for_month", "amount",
                     "date_of_death")
    )  # fmt: skip
    return read_values(rows, EXPORTED_SCHEMA)


PAYABLE_SCHEMA = {
    "line_id": pl.Int64,
    "full_name": pl.String,
    "date_of_birth": pl.Date,
    "id_number": pl.String,
    "address": pl.String,
    "ward_name": pl.String,
    "category": pl.String,
    "for_month": pl.Date,
    "amount": pl.Int64,
}
RESULT_SCHEMA = {"line_id": pl.Int64, "outcome": pl.String, "delivered": pl.Int64}
LINE_SCHEMA = {
    "line_id": pl.Int64, "enrolment_id": pl.Int64, "member_id": pl.Int64, "ward_code": pl.String,
    "category": pl.String, "age": pl.Int32, "rows": pl.String, "base": pl.Int64, "coefficient": pl.Float64,
    "entitled": pl.Int64, "amount": pl.Int64, "status": pl.String, "paid_category": pl.String,
    "references": pl.String, "verified": pl.Boolean, "explanation_vi": pl.String, "explanation_en": pl.String,
    "for_month": pl.Date,
}  # fmt: skip


def payable_lines(payroll_id: int) -> pl.DataFrame:
    """The lines a payment file carries (paid, amount above 0) with the person's name, birth, ID, address and
    ward (one query)."""
    rows = (
        PayrollLine.objects.filter(payroll_id=payroll_id, status="paid", amount__gt=0)
        .order_by("pk")
        .values_list("pk", "member__full_name", "member__date_of_birth", "member__id_number",
                     "member__household__address", "member__household__ward__name", "category", "for_month",
                     "amount")
    )  # fmt: skip
    return read_values(rows, PAYABLE_SCHEMA)


def stored_results(payroll_id: int) -> pl.DataFrame:
    rows = PaymentResult.objects.filter(payroll_id=payroll_id).values_list("line_id", "outcome", "delivered")
    return pl.DataFrame(list(rows), schema=RESULT_SCHEMA, orient="row")


def failed_lines(payroll_id: int, follow_up_id: int) -> pl.DataFrame:
    """The lines of ``payroll_id`` whose payment failed and that no other follow-up pays again."""
    again = PayrollLine.objects.filter(source_line=OuterRef("pk"), kind="follow_up").exclude(payroll_id=follow_up_id)
    rows = (
        PayrollLine.objects.filter(payroll_id=payroll_id, result__outcome="failed")
        .exclude(Exists(again))
        .order_by("pk")
        .values_list("pk", "enrolment_id", "member_id", "ward_code", "category", "age", "rows", "base",
                     "coefficient", "entitled", "amount", "status", "paid_category", "references", "verified",
                     "explanation_vi", "explanation_en", "for_month")
    )  # fmt: skip
    return pl.DataFrame(list(rows), schema=LINE_SCHEMA, orient="row")


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


def kind_totals(payroll: Payroll) -> list[dict[str, Any]]:
    """The payroll's lines and amounts by kind (month's allowances, arrears, recoveries, repaid lines)."""
    return [
        dict(row)
        for row in PayrollLine.objects.filter(payroll=payroll)
        .values("kind")
        .annotate(lines=Count("id"), amount=Sum("amount"))
        .order_by("kind")
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


HI_SCHEMA = {"full_name": pl.String, "date_of_birth": pl.Date, "id_number": pl.String, "household_code": pl.String,
             "address": pl.String}  # fmt: skip
LOAN_SCHEMA = {"household_code": pl.String, "head_name": pl.String, "address": pl.String, "group": pl.String,
               "since": pl.Date}  # fmt: skip


def hi_support_list(ward_code: str, on: dt.date) -> pl.DataFrame:
    """The people of the ward's households on the near-poor list on ``on`` (one query)."""
    near_poor = PovertyStatus.objects.on(on).filter(klass=vocab.NEAR_POOR, ward_id=ward_code)
    rows = (
        Member.objects.filter(status="active", household__in=near_poor.values("household_id"))
        .order_by("household__code", "full_name")
        .values_list("full_name", "date_of_birth", "id_number", "household__code", "household__address")
    )
    return read_values(rows, HI_SCHEMA)


def loans_list(ward_code: str, on: dt.date, escaped_within_months: int) -> pl.DataFrame:
    """The ward's households certified for preferential loans on ``on``: on the poor or near-poor list, or
    escaped from poverty within ``escaped_within_months`` (and on neither list now)."""
    listed = PovertyStatus.objects.on(on).filter(ward_id=ward_code, klass__in=[vocab.POOR, vocab.NEAR_POOR])
    since = on.replace(year=on.year - escaped_within_months // 12)
    escaped = PovertyStatus.objects.filter(ward_id=ward_code, escaped_on__gt=since, escaped_on__lte=on).exclude(
        household__in=listed.values("household_id")
    )
    fields = ("household__code", "household__members__full_name", "household__address")
    head = {"household__members__relation": "head", "household__members__status": "active"}
    parts = []
    for query, group, date in ((listed, None, "valid_from"), (escaped, "escaped", "escaped_on")):
        rows = query.filter(**head).order_by("household__code").values_list(*fields, "klass", date)
        frame = pl.DataFrame(list(rows), schema=LOAN_SCHEMA, orient="row")
        parts.append(frame if group is None else frame.with_columns(pl.lit(group).alias("group")))
    return pl.concat(parts).unique("household_code", keep="first", maintain_order=True)
