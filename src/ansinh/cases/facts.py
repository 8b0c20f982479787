"""The cases' part of the reports: the ``cases`` fact source (found by ``reports.sources.load``).

Only cases whose survivor consented to statistical reporting are counted (``cases.stats.consenting``, the
statistics' own rule). The facts hold counts by ward × period × category, never a name, a code or an id; the
figures are shown only to roles with ``case.report`` and only suppressed (``cases.stats.suppress``, applied by
the reports' runner ``CasesByWard``), and no figure links to a list: a case list exists only inside its circle
(the source is not drillable, the list page refuses it and the pivot does not offer it).

Measures: ``opened`` and ``closed`` (by month, category the kind of case); ``open`` (open cases on the day of
the refresh by stage, in the refresh's year); ``overdue`` (statutory clocks overdue on that day, category the
clock). The facts follow a case opened, closed or reopened (``reports.refresh_facts`` queued after commit by
``cases.actions``) and ``ansinh facts rebuild``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import polars as pl
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ansinh.cases.clocks import clocks_for
from ansinh.cases.models import Case, Stage, Status
from ansinh.cases.queries import with_stage
from ansinh.cases.stats import consenting, suppress
from ansinh.reports.sources import TIME_ZONE, Measure, Source, as_units, empty_units, register

CASE_SCHEMA: dict[str, Any] = {
    "case_id": pl.Int64,
    "ward_code": pl.String,
    "kind": pl.String,
    "status": pl.String,
    "received_at": pl.Datetime("us", "UTC"),
    "closed_at": pl.Datetime("us", "UTC"),
    "has_assessment": pl.Boolean,
    "has_plan": pl.Boolean,
    "has_service": pl.Boolean,
}


def _local(column: str) -> pl.Expr:
    return pl.col(column).dt.convert_time_zone(TIME_ZONE).dt.date()


def case_units(wards: Sequence[str] | None) -> pl.DataFrame:
    """Each consenting case opened (month of receipt), closed (month of closing), open now by stage; each of
    their clocks overdue now."""
    cases = Case.objects.all() if wards is None else Case.objects.filter(ward_id__in=list(wards))
    rows = list(
        with_stage(cases).values_list(  # type: ignore[misc]  # the annotated stage inputs
            "pk", "ward_id", "kind", "status", "received_at", "closed_at", "has_assessment", "has_plan", "has_service"
        )
    )
    frame = pl.DataFrame(rows, schema=CASE_SCHEMA, orient="row")
    if not frame.height:
        return empty_units()
    frame = consenting(frame)
    if not frame.height:
        return empty_units()
    today = timezone.localdate()
    opened = frame.select(
        "ward_code",
        _local("received_at").dt.year().alias("year"),
        _local("received_at").dt.month().alias("month"),
        pl.col("kind").alias("category"),
        pl.col("case_id").alias("record"),
    )
    closed = frame.filter(pl.col("status") == Status.CLOSED.value).select(
        "ward_code",
        _local("closed_at").dt.year().alias("year"),
        _local("closed_at").dt.month().alias("month"),
        pl.col("kind").alias("category"),
        pl.col("case_id").alias("record"),
    )
    stage = (
        pl.when(pl.col("has_service"))
        .then(pl.lit(Stage.SERVICES.value))
        .when(pl.col("has_plan"))
        .then(pl.lit(Stage.PLAN.value))
        .when(pl.col("has_assessment"))
        .then(pl.lit(Stage.ASSESSMENT.value))
        .otherwise(pl.lit(Stage.NEW.value))
    )
    open_ = frame.filter(pl.col("status") == Status.OPEN.value)
    by_stage = open_.select("ward_code", stage.alias("category"), pl.col("case_id").alias("record"))
    now = timezone.now()
    open_ids = open_["case_id"].to_list()
    overdue_rows = [
        (clock.case_id, clock.key)
        for clocks in clocks_for(Case.objects.filter(pk__in=open_ids)).values()
        for clock in clocks
        if clock.state(now) == "overdue"
    ]
    overdue = (
        pl.DataFrame(overdue_rows, schema={"record": pl.Int64, "category": pl.String}, orient="row")
        .join(open_.select(pl.col("case_id").alias("record"), "ward_code"), on="record")
        .select("ward_code", "category", "record")
    )
    return pl.concat(
        [
            as_units(opened, measure="opened"),
            as_units(closed, measure="closed"),
            as_units(by_stage, measure="open", year=today.year),
            as_units(overdue, measure="overdue", year=today.year),
        ]
    ).collect()


def case_wards() -> list[str]:
    return sorted(set(Case.objects.values_list("ward_id", flat=True).distinct()))


CASES = register(
    Source(
        name="cases",
        label=_("Cases of the one-stop model"),
        measures={
            "opened": Measure("opened", _("Cases opened"), "case", grain="month", category=_("kind of case")),
            "closed": Measure("closed", _("Cases closed"), "case", grain="month", category=_("kind of case")),
            "open": Measure("open", _("Open cases by stage"), "case", category=_("stage")),
            "overdue": Measure("overdue", _("Clocks overdue"), "case", category=_("clock")),
        },
        build=case_units,
        resource="case",
        action="report",
        drillable=False,
        suppress=suppress,
        query="cases_case (with the stage's EXISTS on assessments, plans, services) of consenting cases (the "
        "latest reporting consent given, cases_consent); overdue clocks: cases.clocks.clocks_for; counts only",
        wards=case_wards,
    )
)
