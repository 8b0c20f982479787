"""The reports' pages: thin views over ``ansinh.reports`` (scope, read the facts, run a typed query, render).

Every page starts from ``reports.queries.scope_for(user)`` (403 without ``report.view``) and reads only the
wards of the user's area and the sources their role may see (a ward outside the area: 404)."""

from __future__ import annotations

import functools
import hashlib
import html
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote, urlencode

import polars as pl
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import localize
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from ansinh.accounts.permissions import can
from ansinh.accounts.scope import scoped_wards
from ansinh.lib.errors import DomainError
from ansinh.reports import drill, facts
from ansinh.reports import render as renderers
from ansinh.reports.layouts import layouts
from ansinh.reports.queries import (
    LINKED_KINDS,
    PIVOT_DIMENSIONS,
    CasesByWard,
    DominantDeprivations,
    DossiersByWard,
    Pivot,
    PovertyByWard,
    ProgrammeByCategory,
    Scope,
    Table,
    YearInReview,
    by_ward,
    dimension_label,
    dimension_text,
    read_facts,
    run,
    run_year_in_review,
    scope_for,
    standard_name,
    standards_available,
    with_provenance,
    years_available,
)
from ansinh.reports.sources import load
from ansinh.vocab import NEAR_POOR, NOT_POOR, POOR
from ansinh.web.reports.forms import PivotForm, SimulationForm

CACHE_SECONDS = 24 * 3600  # a version's page part is dropped after a day (a new version has a new key anyway)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _lang() -> str:
    return (get_language() or "vi")[:2]


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value else default
    except ValueError:
        raise Http404 from None


SAFE = re.compile(r"^[A-Za-z0-9_.,-]*$")


@functools.lru_cache(maxsize=16384)
def _query_part(key: str, value: str) -> str:
    """``key=value`` of a figure's link: codes need no quoting (checked), anything else is quoted. A dashboard
    makes thousands of links from a few hundred distinct parts, so each part is made once."""
    return f"{key}={value}" if SAFE.match(value) else urlencode({key: value})


def drill_url(cell_drill: Mapping[str, str] | None, base: str | None = None) -> str:
    """The list behind a figure."""
    if not cell_drill:
        return ""
    return f"{base or reverse('reports-list')}?" + "&".join([_query_part(k, v) for k, v in cell_drill.items()])


def _href(cell_drill: Mapping[str, str], base: str) -> str:
    """``drill_url`` written for an HTML attribute: its parts hold no character to escape but the ``&``
    between them (quoted parts carry ``%26`` for theirs), so they are joined by ``&amp;``."""
    return f"{base}?" + "&amp;".join([_query_part(k, v) for k, v in cell_drill.items()])


NUMERIC = frozenset({"count", "amount", "rate", "change"})  # their text is digits and signs: nothing to escape


def _linked(table: Table) -> Table:
    """The table's body as HTML, built here rather than by template loops (a city's tables hold thousands of
    cells): each figure a link to its list; every text escaped."""
    base = html.escape(reverse("reports-list"))
    escape = html.escape
    text_of = renderers.cell_text
    total_text = str(_("Total"))
    last = len(table.rows) - 1
    rows = []
    for n, row in enumerate(table.rows):
        first, *rest = row
        cells = [f'<th scope="row">{escape(text_of(first))}</th>']
        for c in rest:
            text = text_of(c) if c.kind in NUMERIC else escape(text_of(c))
            if c.drill and c.kind in LINKED_KINDS:
                cells.append(f'<td class="num"><a href="{_href(c.drill, base)}">{text}</a></td>')
            else:
                cells.append(f'<td class="num">{text}</td>')
        total = ' class="total-row"' if n == last and first.text == total_text else ""
        rows.append(f"<tr{total}>{''.join(cells)}</tr>")
    table.body_html = mark_safe("\n".join(rows))  # noqa: S308 - every text and link escaped above
    return table


def _download(content: bytes, name: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _export_allowed(request: HttpRequest) -> None:
    if not can(request.user, "report", "export"):
        raise PermissionDenied


def _tiles(scope: Scope, frame: pl.DataFrame, year: int, standard: str) -> list[dict[str, Any]]:
    """The ward map: one tile per ward of the scope, its poor households and a shade by their share of the
    largest ward's (5 steps, as CSS classes: no inline style)."""
    counts = by_ward(frame, "poverty.households", year=year, standard=standard, category=POOR)
    top = max(counts.values(), default=0)
    base = reverse("reports-list")
    ward_url = reverse("reports-ward", args=["0"])[: -len("0/")]  # …/ward/ + code + /
    tiles = []
    for code, name in sorted(scope.names.items(), key=lambda kv: kv[1]):
        n = int(counts.get(code, 0))
        tiles.append(
            {
                "code": code,
                "name": name,
                "value": n,
                "shade": 0 if not top else min(4, int(5 * n / (top + 1))),
                "url": drill_url({"m": "poverty.households", "year": str(year), "standard": standard,
                                  "category": POOR, "ward": code}, base),
                "ward_url": f"{ward_url}{quote(code, safe='')}/",
            }
        )  # fmt: skip
    return tiles


def _tiles_html(tiles: list[dict[str, Any]]) -> str:
    """The tiles as HTML in one pass (a city has hundreds): each a link to its ward's dashboard and its figure a
    link to its list, every text escaped."""
    escape = html.escape
    label = _("%(n)s poor households in %(name)s")
    out = []
    for t in tiles:
        n = localize(t["value"])
        aria = escape(label % {"n": n, "name": t["name"]})
        out.append(
            f'<li class="tile shade-{int(t["shade"])}"><a href="{escape(t["ward_url"])}" class="tile-name">'
            f'{escape(t["name"])}</a><a href="{escape(t["url"])}" class="tile-value" aria-label="{aria}">{n}</a></li>'
        )
    return mark_safe("\n".join(out))  # noqa: S308 - every text and link escaped above


@login_required
def dashboard(request: HttpRequest, code: str | None = None) -> HttpResponse:
    """The city's dashboard (every ward of the user's area) or one ward's own."""
    if code and not scoped_wards(request.user).filter(code=code).exists():
        raise Http404  # a ward outside the area does not exist for the user, whatever their role
    scope = scope_for(request.user)
    wards = scope.ward_filter(code)  # 404 outside the area
    sources = sorted(scope.sources)
    # The figures are read by the ids of the batches the version (token) names, so they are that version's even
    # if a refresh commits meanwhile; in a transaction the facts' COPY is read the fast way (dbframes.copy_out).
    with transaction.atomic():
        prov = facts.current_provenance(wards=wards, sources=sources)
        # The figures' part of the page depends only on the facts' current slices (their token changes with
        # any refresh), the area, the choices and the language: made once per version, never stale.
        version = repr((prov.token, wards, sources, code, _lang()))
        years_key = "reports:years:" + hashlib.sha256(version.encode()).hexdigest()
        found = cache.get(years_key)
        if found is None:
            # By default the latest year of the review's figures (a payroll of this year comes before its review).
            by_source = facts.years_by_source(prov.batch_ids)  # the batches are the scope's sources and wards
            every = sorted({y for ys in by_source.values() for y in ys}, reverse=True)
            found = (every, by_source.get("poverty", []))
            cache.set(years_key, found, CACHE_SECONDS)
        years, review_years = found
        year = _int(request.GET.get("year"), (review_years or years or [timezone.localdate().year])[0])
        chosen = repr((version, year, request.GET.get("standard")))
        key = "reports:dashboard:" + hashlib.sha256(chosen.encode()).hexdigest()
        body = cache.get(key)
        if body is None:
            figures = _dashboard_figures(scope, code, year, prov, request)
            body = render_to_string("reports/_dashboard_body.html", {**figures, "years": years}, request=None)
            cache.set(key, body, CACHE_SECONDS)
    context: dict[str, Any] = {
        "year": year,
        "ward": code,
        "ward_name": scope.names.get(code or "", ""),
        "perms_simulation": can(request.user, "simulation", "view"),
        "body": mark_safe(body),  # noqa: S308 - rendered by our own template, escaped there
    }
    return render(request, "reports/dashboard.html", context)


def _dashboard_figures(scope: Scope, code: str | None, year: int, prov: facts.Provenance,
                       request: HttpRequest) -> dict[str, Any]:  # fmt: skip
    frame = read_facts(scope, ward=code, years=[year, year - 1], monthly=False, batches=prov.batch_ids)
    standards = standards_available(frame)
    standard = request.GET.get("standard") or (standards[-1] if standards else "")
    if standard and standards and standard not in standards:
        raise Http404
    names = scope.names if code is None else {code: scope.names[code]}
    context: dict[str, Any] = {
        "year": year,
        "standard": standard,
        "standards": [(s, standard_name(s)) for s in standards],
        "ward": code,
        "sources": scope.sources,
        "cases_available": "cases" in load(),
        "charts": {},
    }
    if "poverty" in scope.sources and standard:
        poverty = _linked(run(PovertyByWard(year, standard), frame, names, ward=code, provenance=prov))
        deprivations = _linked(run(DominantDeprivations(year, standard), frame, names, ward=code, provenance=prov))
        context.update(poverty=poverty, deprivations=deprivations)
        context["charts"]["chart-poverty"] = renderers.chart(
            poverty, [POOR, NEAR_POOR] if code is None else [f"{POOR}_start", POOR, f"{NEAR_POOR}_start", NEAR_POOR]
        )
        context["charts"]["chart-flows"] = renderers.chart(
            poverty, ["escaped_poverty", "newly_poor", "re_poor", "moved_in_poor", "moved_out_poor"], stack=False
        )
        context["tiles"] = _tiles(scope, frame, year, standard) if code is None else []
        context["tiles_html"] = _tiles_html(context["tiles"])
    if "payroll" in scope.sources:
        context["programmes"] = _linked(run(ProgrammeByCategory(year), frame, names, ward=code, provenance=prov))
    if "dossier" in scope.sources:
        dossiers = _linked(run(DossiersByWard(year), frame, names, ward=code, provenance=prov))
        context["dossiers"] = dossiers
        context["charts"]["chart-dossiers"] = renderers.chart(dossiers, ["on_time", "late"], stack=True)
    if "cases" in scope.sources:  # roles with case.report only; suppressed, never linked
        context["cases"] = _linked(run(CasesByWard(year), frame, names, provenance=prov))
    context["chart_list"] = sorted(context["charts"].items())
    return context


@login_required
def drill_list(request: HttpRequest) -> HttpResponse:
    """The records behind a figure, under the same scope; the count is the figure."""
    ward = request.GET.get("ward")
    if ward and not scoped_wards(request.user).filter(code=ward).exists():
        raise Http404  # a ward outside the area does not exist for the user, whatever their role
    scope = scope_for(request.user)
    what = drill.parse(request.GET, scope)
    found = drill.figure(what, scope)
    # The count is every record's; only one page of rows is read (a city's list holds hundreds of thousands).
    paginator = Paginator(found.ids, drill.PAGE)
    page = paginator.get_page(request.GET.get("page"))
    rows = drill.records(what.measure.record, found.page(page.number), request.user)
    return render(
        request,
        "reports/list.html",
        {
            "what": what,
            "label": what.measure.label,
            "value": found.value,
            "count": found.count,
            "distinct": len(found.ids),
            "rows": rows,
            "shown": len(rows),
            "first": (page.number - 1) * drill.PAGE + 1,
            "page_obj": page,
            "page_range": list(paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)),
            "filters": [
                (dimension_label(k), ", ".join(dimension_text(k, x, scope.names) for x in v))
                for k, v in what.filters.items()
            ],
            "ward_name": scope.names.get(what.ward or "", ""),
            "is_amount": what.measure.unit == "VND",
        },
    )


def _review_tables(scope: Scope, year: int, ward: str | None) -> tuple[Table, list[str]]:
    frame = read_facts(scope, ward=ward, years=[year, year - 1])
    standards = standards_available(frame)
    names = scope.names
    table = with_provenance(
        run_year_in_review(YearInReview(year, tuple(standards)), frame, names, scope.sources, ward=ward), frame
    )
    return table, standards


@login_required
def year_in_review(request: HttpRequest) -> HttpResponse:
    """The year's figures in the shape of the department's annual review, with the previous year's; as a page,
    a PDF or an XLSX (``?format=pdf|xlsx``)."""
    scope = scope_for(request.user)
    ward = request.GET.get("ward") or None
    scope.ward_filter(ward)
    all_years = years_available(read_facts(scope, ward=ward, monthly=False))
    review_years = facts.years(wards=scope.ward_filter(ward), sources=["poverty"]) if "poverty" in scope.sources else []
    year = _int(request.GET.get("year"), (review_years or all_years or [timezone.localdate().year])[0])
    table, _standards = _review_tables(scope, year, ward)
    title = _("The year in review %(year)s") % {"year": year}
    subtitle = scope.names.get(ward or "", "") or _("All wards and communes of your area")
    fmt = request.GET.get("format")
    if fmt in ("pdf", "xlsx"):
        _export_allowed(request)
        if fmt == "pdf":
            return _download(renderers.pdf([table], title=title, subtitle=subtitle), f"year-{year}.pdf",
                             "application/pdf")  # fmt: skip
        return _download(renderers.xlsx([table], title=title, subtitle=subtitle), f"year-{year}.xlsx", XLSX)
    return render(
        request,
        "reports/year.html",
        {"table": _linked(table), "year": year, "years": all_years, "title": title, "subtitle": subtitle,
         "ward": ward, "can_export": can(request.user, "report", "export")},
    )  # fmt: skip


@login_required
def official(request: HttpRequest) -> HttpResponse:
    """The official layouts of the figures the user's role may see (a layout of other figures is not offered)."""
    scope = scope_for(request.user)
    years = years_available(read_facts(scope))
    lang = _lang()
    items = [
        {"name": k, "title": v.title.get(lang, v.title["vi"]).replace("{year}", ""), "verified": v.verified,
         "reference": v.reference}
        for k, v in layouts().items()
        if LAYOUT_SOURCES.get(v.report) in scope.sources
    ]  # fmt: skip
    return render(request, "reports/official.html", {"layouts": items, "years": years,
                                                      "can_export": can(request.user, "report", "export")})  # fmt: skip


# The facts' source each official layout is filled from.
LAYOUT_SOURCES = {"poverty_by_ward": "poverty", "programmes": "payroll", "dossiers": "dossier"}


@login_required
def official_download(request: HttpRequest, name: str) -> HttpResponse:
    """An official layout filled from the facts, as XLSX."""
    scope = scope_for(request.user)
    _export_allowed(request)
    layout = layouts().get(name)
    if layout is None:
        raise Http404
    frame = read_facts(scope)
    years = years_available(frame)
    year = _int(request.GET.get("year"), years[0] if years else timezone.localdate().year)
    lang = _lang()
    columns = [(c["key"], c.get(lang) or c["vi"]) for c in layout.columns]
    tables: list[Table] = []
    if LAYOUT_SOURCES.get(layout.report) not in scope.sources:
        raise PermissionDenied  # a layout of figures the role may not see
    if layout.report == "poverty_by_ward":
        for std in standards_available(frame):
            table = run(PovertyByWard(year, std), frame, scope.names)
            table.title = f"{table.title} – {standard_name(std)}"
            tables.append(renderers.in_layout(table, columns))
    elif layout.report == "programmes":
        tables.append(renderers.in_layout(run(ProgrammeByCategory(year), frame, scope.names), columns))
    elif layout.report == "dossiers":
        tables.append(renderers.in_layout(run(DossiersByWard(year), frame, scope.names), columns))
    else:
        raise PermissionDenied  # a layout of figures the role may not see
    title = layout.title.get(lang, layout.title["vi"]).replace("{year}", str(year))
    subtitle = layout.reference + (
        "" if layout.verified else " — " + _("layout not verified against the official form")
    )
    return _download(renderers.xlsx(tables, title=title, subtitle=subtitle), f"{name}-{year}.xlsx", XLSX)


@login_required
def pivot(request: HttpRequest) -> HttpResponse:
    """The analyst's pivot: a measure by the rows and columns chosen among the facts' dimensions, filtered."""
    scope = scope_for(request.user)
    measures = [(f"{s.name}.{m.name}", f"{s.label} – {m.label}") for s in load().values()
                if s.name in scope.sources and s.drillable for m in s.measures.values()]  # fmt: skip
    form = PivotForm(request.GET or None, measures=measures)
    table = None
    error = ""
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = tuple((d, tuple(v for v in data[f"f_{d}"].split(",") if v)) for d in PIVOT_DIMENSIONS
                        if data.get(f"f_{d}"))  # fmt: skip
        try:
            query = Pivot(data["measure"], tuple(data["rows"]), tuple(data["columns"]), filters)
        except DomainError as e:
            error = e.message
        else:
            frame = read_facts(scope, sources=[query.measure.partition(".")[0]])
            table = run(query, frame, scope.names)
            if request.GET.get("format") == "xlsx":
                _export_allowed(request)
                return _download(renderers.xlsx([table], title=str(_("Pivot"))), "pivot.xlsx", XLSX)
            table = _linked(table)
    return render(
        request,
        "reports/pivot.html",
        {"form": form, "table": table, "error": error, "can_export": can(request.user, "report", "export"),
         "export_url": f"{request.path}?{request.GET.urlencode()}&format=xlsx" if table else ""},
    )  # fmt: skip


@login_required
def simulate(request: HttpRequest) -> HttpResponse:
    """What if the line were X and the threshold Y: the registry of the user's area re-assessed in memory, by
    ward, households entering and leaving each class; nothing stored."""
    if not can(request.user, "simulation", "view"):
        raise PermissionDenied
    scope = scope_for(request.user)
    from ansinh.engine.simulate import simulate as run_simulation
    from ansinh.registry.queries import registry_frames
    from ansinh.standards import StandardError, load_standard, standards_for

    on = timezone.localdate()
    province = getattr(request.user, "province_id", None) or "79"
    choices = [(s.id, standard_name(s.id)) for s in standards_for(on, province)]
    form = SimulationForm(
        request.GET or None, standards=choices, wards=sorted(scope.names.items(), key=lambda kv: kv[1])
    )
    result: list[dict[str, Any]] = []
    totals: list[dict[str, Any]] = []
    chart: dict[str, Any] | None = None
    error = ""
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        standard = load_standard(data["standard"])
        overrides: dict[str, object] = {}
        if data.get("line") is not None:
            overrides[data["line_parameter"]] = data["line"]
        if data.get("threshold") is not None:
            overrides["deprivation_cutoff"] = data["threshold"]
        wards = [data["ward"]] if data.get("ward") else scope.ward_filter(None)
        try:
            households, members = registry_frames(wards, engine_only=True)
            by_ward = run_simulation(households, members, standard, on, overrides)
        except (StandardError, DomainError, ValueError) as e:
            error = str(e)
        else:
            by_ward = by_ward.filter(pl.col("class") != NOT_POOR) if by_ward.height else by_ward
            result = [{**r, "ward_name": scope.names.get(r["ward_code"], r["ward_code"])} for r in by_ward.to_dicts()]
            totals = by_ward.group_by("class").agg(pl.col("before", "after", "entering", "leaving").sum()).sort(
                "class", descending=True).to_dicts() if by_ward.height else []  # fmt: skip
            chart = {
                "aria": {"enabled": True},
                "tooltip": {"trigger": "axis", "renderMode": "richText"},
                "legend": {"bottom": 0},
                "grid": {"left": 8, "right": 8, "top": 16, "bottom": 48, "containLabel": True},
                "xAxis": {"type": "category", "data": [_class(t["class"]) for t in totals]},
                "yAxis": {"type": "value"},
                "series": [{"name": str(lbl), "type": "bar", "data": [t[k] for t in totals]}
                           for k, lbl in (("before", _("Before")), ("after", _("After")),
                                          ("entering", _("Entering")), ("leaving", _("Leaving")))],
            }  # fmt: skip
    return render(
        request,
        "reports/simulate.html",
        {"form": form, "rows": result, "totals": [{**t, "label": _class(t["class"])} for t in totals],
         "chart": chart, "error": error, "on": on},
    )  # fmt: skip


def _class(code: str) -> str:
    from ansinh.vocab import household_class

    return household_class(code, _lang())
