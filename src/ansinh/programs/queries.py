"""Named reads of enrolments, starting from the user's scope."""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
from django.db.models import OuterRef, QuerySet, Subquery

from ansinh.accounts.scope import scoped
from ansinh.dbframes import read_values
from ansinh.engine.benefits import due_changes
from ansinh.programs.models import Decision, Enrolment
from ansinh.programs.rules import legal_rules, programmes
from ansinh.registry.models import Membership
from ansinh.review.models import PovertyStatus

DUE_INPUT_SCHEMA = {
    "enrolment_id": pl.Int64,
    "member_id": pl.Int64,
    "ward_code": pl.String,
    "programme": pl.String,
    "category": pl.String,
    "decided_on": pl.Date,
    "date_of_birth": pl.Date,
    "date_of_death": pl.Date,
    "moved_out_on": pl.Date,
    "disability_level": pl.String,
    "disability_assessed_on": pl.Date,
    "escaped_on": pl.Date,
}


def scoped_enrolments(user: Any) -> QuerySet[Enrolment]:
    """The enrolments of people in the user's area."""
    return scoped(user, Enrolment.objects.all(), resource="enrolment", ward="member__household__ward")


def _ended(reason: str) -> Subquery:
    return Subquery(Membership.objects.filter(member=OuterRef("member_id"), end_reason=reason).values("end")[:1])


def due_list(user: Any, on: dt.date) -> pl.DataFrame:
    """The proposed changes to the open enrolments of the user's area that registry events call for
    (``engine.benefits.due_changes``), with each person's name: one query read through ``dbframes``."""
    decided = Decision.objects.filter(enrolment=OuterRef("pk")).order_by("-id").values("date")[:1]
    escaped = (
        PovertyStatus.objects.filter(household=OuterRef("member__household_id"), escaped_on__isnull=False)
        .order_by("-escaped_on")
        .values("escaped_on")[:1]
    )
    rows = (
        scoped_enrolments(user)
        .filter(end_month__isnull=True)
        .annotate(decided_on=Subquery(decided), date_of_death=_ended("death"), moved_out_on=_ended("move_out"),
                  escaped_on=Subquery(escaped))
        .order_by("pk")
        .values_list("pk", "member_id", "member__household__ward_id", "programme", "category", "decided_on",
                     "member__date_of_birth", "date_of_death", "moved_out_on", "member__disability_level",
                     "member__disability_assessed_on", "escaped_on")
    )  # fmt: skip
    frame = read_values(rows, DUE_INPUT_SCHEMA)
    return due_changes(frame, programmes(), legal_rules(), on)
