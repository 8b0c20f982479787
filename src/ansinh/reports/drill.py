"""The list behind a figure: the records whose units make it, under the user's scope.

A figure's link carries its measure and dimensions (``m=poverty.households&year=2026&standard=hcm_2024&
category=poor&ward=90001``). :func:`parse` checks them; :func:`figure` recomputes the source's units for the
wards asked (within the scope) and the figure's measure and dimensions — the source reads only those where it
can (``Source.select``: the year's statuses, not every year's) — and returns their records, so the list's row
count is the figure (the sum of their values for an amount). The count is every record's; :func:`records`
reads the rows of one page only (``Listing.page``: a city's list has hundreds of thousands).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404

from ansinh.accounts.scope import scoped
from ansinh.reports.queries import Scope
from ansinh.reports.sources import Ask, Measure, Source, measure

FILTERS = ("year", "month", "standard", "programme", "category")
PAGE = 200


@dataclass(frozen=True)
class Drill:
    source: Source
    measure: Measure
    ward: str | None
    filters: dict[str, tuple[str, ...]]

    @property
    def full_measure(self) -> str:
        return f"{self.source.name}.{self.measure.name}"


def parse(params: Mapping[str, str], scope: Scope) -> Drill:
    """A figure's link → what to list; 404 for an unknown measure or a ward outside the scope, 403 for a source
    the role may not see (the one rule for refusals)."""
    try:
        source, meas = measure(params.get("m", ""))
    except KeyError:
        raise Http404 from None
    ward = params.get("ward") or None
    scope.ward_filter(ward)  # 404 outside the scope
    if source.name not in scope.sources:
        raise PermissionDenied(f"{source.resource}.{source.action}")
    if not source.drillable:
        raise Http404  # no list behind these figures (a case list exists only inside its circle)
    filters = {k: tuple(v for v in params[k].split(",") if v) for k in FILTERS if params.get(k)}
    return Drill(source, meas, ward, filters)


def units(drill: Drill, scope: Scope) -> pl.DataFrame:
    return drill.source.asked_units(scope.ward_filter(drill.ward), Ask(drill.measure.name, drill.filters))


@dataclass(frozen=True)
class Listing:
    """A figure recomputed from the live records and the records behind it: ``value`` the figure (the sum of
    the units' values), ``count`` the units (one a record; the list's row count), ``ids`` the distinct records
    in the order of their ids (what the pages show, ``PAGE`` a page)."""

    value: int
    count: int
    ids: list[int]

    def page(self, number: int) -> list[int]:
        """The records of page ``number`` (from 1)."""
        return self.ids[(number - 1) * PAGE : number * PAGE]


def figure(drill: Drill, scope: Scope) -> Listing:
    """The figure recomputed from the live records, and the records behind it: in one transaction, so the
    source's queries see one state of the records (and PostgreSQL's rows are copied out without psycopg's
    generator per row, ``dbframes.copy_out``)."""
    with transaction.atomic():
        found = units(drill, scope)
    ids = found["record"].unique().sort().to_list()
    return Listing(int(found["value"].sum()), found.height, ids)


def records(kind: str, ids: Sequence[int], user: Any) -> list[dict[str, Any]]:
    """The rows of a list page (at most ``PAGE``), each with what to show and where it links, read through the
    owning module's scoped queryset (a record outside the user's scope is not shown)."""
    ids = list(ids)[:PAGE]
    if kind == "household":
        from ansinh.registry.models import Household

        # A household on the ward's list that has since moved out of the user's area stays in the list (the
        # figure counts it), by its code only: nothing else of it is shown, and it links nowhere.
        visible = set(Household.objects.scoped(user).filter(pk__in=ids).values_list("pk", flat=True))
        rows = Household.objects.filter(pk__in=ids).select_related("ward").order_by("code")
        return [{"code": h.code, "name": h.address, "ward": h.ward.name, "url": ("household-detail", h.pk)}
                if h.pk in visible else {"code": h.code, "name": "", "ward": "", "url": None, "outside": True}
                for h in rows]  # fmt: skip
    if kind == "payroll_line":
        from ansinh.payments.models import PayrollLine
        from ansinh.payments.queries import scoped_payrolls

        lines = PayrollLine.objects.filter(pk__in=ids, payroll__in=scoped_payrolls(user)).select_related("member")
        return [{"code": f"#{ln.payroll_id}", "name": ln.member.full_name, "ward": ln.ward_code,
                 "amount": ln.amount, "month": ln.month, "url": ("payroll-line", ln.payroll_id, ln.pk)}
                for ln in lines.order_by("payroll_id", "member_id")]  # fmt: skip
    if kind == "member":
        from ansinh.registry.models import Household, Member

        members = list(
            Member.objects.filter(pk__in=ids).select_related("household__ward").order_by("household__code", "pk")
        )
        # The members' scope (``Member.objects.scoped``: the role's ``member.view``, then their household's ward)
        # asked of their households, by key: asked of the members, PostgreSQL starts from the area's wards and
        # reads every household of the city (10 s at 4,000,000 households).
        households = Household.objects.filter(pk__in={m.household_id for m in members})
        visible = set(scoped(user, households, resource="member").values_list("pk", flat=True))
        return [
            {"code": m.household.code, "name": m.full_name, "ward": m.household.ward.name,
             "url": ("household-detail", m.household_id)}
            for m in members if m.household_id in visible
        ]  # fmt: skip
    if kind in ("dossier", "rating"):
        from ansinh.dossiers.models import Dossier, Rating

        if kind == "rating":
            ids = list(Rating.objects.filter(pk__in=ids).values_list("dossier_id", flat=True))
        dossiers = Dossier.objects.scoped(user).filter(pk__in=ids).select_related("ward").order_by("code")
        return [{"code": d.code, "name": d.applicant_name, "ward": d.ward.name, "url": ("dossiers-detail", d.pk)}
                for d in dossiers]  # fmt: skip
    raise Http404
