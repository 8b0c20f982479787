"""Typed report queries, their runners over frames of facts, and the scope every report starts from.

A report is a frozen dataclass (what is asked: ``PovertyByWard(year=2026, standard="hcm_2024")``); its runner
(:func:`run`) takes the query and a frame of current facts (``facts.read``) and returns a :class:`Table`:
labelled columns and rows of :class:`Cell`, each cell holding its value and the dimensions of the list behind
it (``Cell.drill``), so every renderer (HTML, chart, XLSX, PDF) shows the same figures and every page links
each one to its records. Runners are pure Polars over the frame: the snapshot tests pin their output on the
seeded city.
"""

from __future__ import annotations

import datetime as dt
import threading
import weakref
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import polars as pl
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from ansinh.accounts.permissions import can
from ansinh.accounts.scope import scoped_wards, ward_codes
from ansinh.reports import facts
from ansinh.reports.errors import ReportError, StandardsMixed
from ansinh.reports.sources import CATEGORY_LABELS, DIMENSIONS, load, measure
from ansinh.vocab import NEAR_POOR, POOR

CITY = ""  # the ward code of a total row


# --- scope ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """What a user's reports may read: their wards (None: every ward) and the sources their role may see."""

    wards: tuple[str, ...] | None
    sources: frozenset[str]
    names: Mapping[str, str] = field(default_factory=dict)  # ward code → name

    def ward_filter(self, ward: str | None) -> list[str] | None:
        """The wards to read for a page about ``ward`` (None: the whole scope); 404 outside the scope."""
        if ward:
            if self.wards is not None and ward not in self.wards:
                raise Http404
            if ward not in self.names:
                raise Http404
            return [ward]
        return None if self.wards is None else list(self.wards)


def scope_for(user: Any) -> Scope:
    """The user's report scope; 403 (``PermissionDenied``) without ``report.view``."""
    from django.core.exceptions import PermissionDenied

    if not can(user, "report", "view"):
        raise PermissionDenied
    codes = ward_codes(user)
    sources = frozenset(name for name, s in load().items() if can(user, s.resource, s.action))
    names = dict(scoped_wards(user).values_list("code", "name"))
    return Scope(None if codes is None else tuple(codes), sources, names)


def read_facts(scope: Scope, *, ward: str | None = None, years: Sequence[int] | None = None,
               sources: Sequence[str] | None = None, monthly: bool = True,
               batches: Sequence[int] | None = None) -> pl.DataFrame:  # fmt: skip
    """The current facts the scope may see (of one ward when given); ``batches``: the current batches' ids
    already read for this scope (``facts.current_provenance``)."""
    wanted = [s for s in (sources or sorted(scope.sources)) if s in scope.sources]
    if not wanted:
        return pl.DataFrame(schema=facts.READ_SCHEMA)
    return facts.read(wards=scope.ward_filter(ward), sources=wanted, years=years, monthly=monthly, batches=batches)


# --- tables ---------------------------------------------------------------------------------------------


LINKED_KINDS = frozenset({"count", "amount", "rate"})  # the kinds of cell that link to their list


@dataclass(frozen=True)
class Cell:
    value: float | int | None
    kind: str = "count"  # count | amount | rate | text | change
    drill: Mapping[str, str] | None = None  # the list behind the figure: measure and dimension filters
    text: str = ""

    @property
    def linked(self) -> bool:
        return self.drill is not None and self.kind in LINKED_KINDS


@dataclass
class Table:
    title: Any
    columns: list[Any]
    rows: list[list[Cell]]
    keys: list[str] = field(default_factory=list)  # one stable key per column, for charts and snapshots
    note: Any = ""
    as_of: dt.datetime | None = None
    queries: dict[str, str] = field(default_factory=dict)
    body_html: str = ""  # the rows as HTML with their links, made by the page (web.reports.views)

    def snapshot(self) -> list[list[Any]]:
        """Plain rows for snapshot tests and CSV-like comparisons."""
        return [[c.text if c.kind == "text" else c.value for c in row] for row in self.rows]


def _label(value: str) -> str:
    return str(CATEGORY_LABELS.get(value, value))


def _drill(full_measure: str, **dims: Any) -> dict[str, str]:
    out = {"m": full_measure}
    for k, v in dims.items():
        if v is None or v == "":
            continue
        out[k] = v if type(v) is str else ",".join(map(str, v)) if isinstance(v, list | tuple) else str(v)
    return out


# The runners ask a frame of a few thousand facts for dozens of small sums; each Polars filter costs a
# collect (about a millisecond on a busy machine), so the frame is split once into plain rows per measure and
# the sums are Python over those rows (a few hundred each): the same figures, a tenth of the time.
ROW = {k: i for i, k in enumerate(DIMENSIONS)}  # a row: the dimensions, then the value
_split = threading.local()


def _rows(frame: pl.DataFrame, measure_name: str) -> list[tuple[Any, ...]]:
    """The frame's rows of one measure (``source.measure``) as tuples of :data:`DIMENSIONS` and the value;
    the frame is split once (the last frame split is kept, per thread)."""
    last = getattr(_split, "last", None)
    if last is None or last[0]() is not frame:
        index: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
        keys = (pl.col("source") + "." + pl.col("measure")).alias("key")
        for key, *rest in frame.select(keys, *DIMENSIONS, "value").rows():
            index[key].append(tuple(rest))
        last = (weakref.ref(frame), index)
        _split.last = last
    return last[1].get(measure_name, [])


def _matching(frame: pl.DataFrame, measure_name: str, filters: Mapping[str, Any]) -> list[tuple[Any, ...]]:
    rows = _rows(frame, measure_name)
    for k, v in filters.items():
        if v is None:
            continue
        i = ROW[k]
        if isinstance(v, list | tuple):
            wanted = set(v)
            rows = [r for r in rows if r[i] in wanted]
        else:
            rows = [r for r in rows if r[i] == v]
    return rows


def _value(frame: pl.DataFrame, measure_name: str, **filters: Any) -> int:
    return int(sum(r[-1] for r in _matching(frame, measure_name, filters)))


def _grouped(frame: pl.DataFrame, measure_name: str, keys: Sequence[str], **filters: Any) -> dict[tuple[Any, ...], int]:
    """The measure's sum by ``keys`` (dimensions), over the rows matching ``filters``."""
    at = [ROW[k] for k in keys]
    out: dict[tuple[Any, ...], int] = defaultdict(int)
    for r in _matching(frame, measure_name, filters):
        out[tuple(r[i] for i in at)] += r[-1]
    return dict(out)


def _by_ward(
    frame: pl.DataFrame, measure_name: str, by: str | None = None, **filters: Any
) -> dict[tuple[str, str], int]:
    if by:
        return {(w, k): v for (w, k), v in _grouped(frame, measure_name, ["ward_code", by], **filters).items()}
    return {(w, ""): v for (w,), v in _grouped(frame, measure_name, ["ward_code"], **filters).items()}


def by_ward(frame: pl.DataFrame, measure_name: str, **filters: Any) -> dict[str, int]:
    """A measure's figure per ward over the facts matching ``filters`` (the ward map's tiles)."""
    return {w: v for (w,), v in _grouped(frame, measure_name, ["ward_code"], **filters).items()}


def _wards_of(frame: pl.DataFrame, *measure_names: str, **filters: Any) -> set[str]:
    return {r[0] for m in measure_names for r in _matching(frame, m, filters)}


def _ward_rows(names: Mapping[str, str], present: set[str]) -> list[str]:
    """The wards a table lists: every ward of the scope that has a figure, by name."""
    return sorted((c for c in names if c in present), key=lambda c: (names[c], c))


def _rate(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


# --- the typed queries ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PovertyByWard:
    """Poor and near-poor households on the list on the year's last day, by ward, under one standard, with
    the year's flows in and out."""

    year: int
    standard: str


FLOWS_SHOWN = (
    "escaped_poverty",
    "escaped_near_poverty",
    "near_poor_to_poor",
    "newly_poor",
    "re_poor",
    "newly_near_poor",
    "moved_in_poor",
    "moved_out_poor",
)


def run_poverty(query: PovertyByWard, frame: pl.DataFrame, names: Mapping[str, str],
                ward: str | None = None) -> Table:  # fmt: skip
    """``ward``: the table is that ward's own (its dashboard), so its total row links to that ward's lists."""
    y, std = query.year, query.standard
    only = ward
    cls = _by_ward(frame, "poverty.households", "category", year=y, standard=std)
    prev = _by_ward(frame, "poverty.households", "category", year=y - 1, standard=std)
    flow = _by_ward(frame, "poverty.flow", "category", year=y, standard=std)
    wards = _ward_rows(names, _wards_of(frame, "poverty.households", "poverty.flow", standard=std))
    keys = ["ward", f"{POOR}_start", POOR, f"{NEAR_POOR}_start", NEAR_POOR, *FLOWS_SHOWN]
    columns: list[Any] = [
        _("Ward or commune"),
        _("Poor at the start"),
        _("Poor at the end"),
        _("Near-poor at the start"),
        _("Near-poor at the end"),
        *[CATEGORY_LABELS[f] for f in FLOWS_SHOWN],
    ]

    # Each column: where its figures are, their key, and its link without the ward (a ward's row adds its own).
    households, moving = "poverty.households", "poverty.flow"
    specs = [
        (prev, POOR, _drill(households, year=y - 1, standard=std, category=POOR)),
        (cls, POOR, _drill(households, year=y, standard=std, category=POOR)),
        (prev, NEAR_POOR, _drill(households, year=y - 1, standard=std, category=NEAR_POOR)),
        (cls, NEAR_POOR, _drill(households, year=y, standard=std, category=NEAR_POOR)),
        *[(flow, f, _drill(moving, year=y, standard=std, category=f)) for f in FLOWS_SHOWN],
    ]

    def row(code: str | None) -> list[Cell]:
        if code:
            return [Cell(None, "text", text=names.get(code, code))] + [
                Cell(src.get((code, key), 0), drill={**base, "ward": code}) for src, key, base in specs
            ]
        return [Cell(None, "text", text=str(_("Total")))] + [
            Cell(sum(src.get((w, key), 0) for w in wards), drill={**base, "ward": only} if only else base)
            for src, key, base in specs
        ]

    rows = [row(w) for w in wards] + [row(None)]
    return Table(_("Poor and near-poor households by ward"), columns, rows, keys)


@dataclass(frozen=True)
class DominantDeprivations:
    """Among the poor households of the year's approved rounds, the indicators they are most often deprived
    in, under one standard (city-wide or in one ward)."""

    year: int
    standard: str
    top: int = 5


def run_deprivations(query: DominantDeprivations, frame: pl.DataFrame, names: Mapping[str, str],
                     ward: str | None = None) -> Table:  # fmt: skip
    y, std = query.year, query.standard
    poor = _value(frame, "poverty.assessed_poor", year=y, standard=std)
    by_indicator = _grouped(frame, "poverty.deprived", ["category"], year=y, standard=std)
    counts = sorted(((k, v) for (k,), v in by_indicator.items()), key=lambda kv: (-kv[1], kv[0]))[: query.top]
    from ansinh.standards import load_standard

    labels = {i.name: i.label for i in load_standard(std).indicators} if std else {}
    rows = [
        [
            Cell(None, "text", text=_indicator_label(labels.get(k), k)),
            Cell(int(v), drill=_drill("poverty.deprived", year=y, standard=std, category=k, ward=ward)),
            Cell(_rate(int(v), poor), "rate", drill=_drill("poverty.deprived", year=y, standard=std, category=k,
                                                             ward=ward)),
        ]
        for k, v in counts
    ]  # fmt: skip
    note = _("Of {poor} poor households assessed in the year's approved rounds.").format(poor=poor)
    return Table(_("Dominant deprivations"), [_("Indicator"), _("Households"), _("Share")], rows,
                 ["indicator", "households", "share"], note=note)  # fmt: skip


def standard_name(standard_id: str) -> str:
    """The standard's title in the active language."""
    from ansinh.standards import load_standard

    return _indicator_label(load_standard(standard_id).title, standard_id)


def _indicator_label(label: Any, key: str) -> str:
    if isinstance(label, Mapping):
        from django.utils.translation import get_language

        return str(label.get((get_language() or "vi")[:2]) or label.get("vi") or key)
    return str(label or key)


@dataclass(frozen=True)
class ProgrammeByCategory:
    """People paid in the year (once each) and the amount paid, by programme and category."""

    year: int


def run_programmes(query: ProgrammeByCategory, frame: pl.DataFrame, names: Mapping[str, str],
                   ward: str | None = None) -> Table:  # fmt: skip
    y = query.year
    people = _grouped(frame, "payroll.beneficiaries", ["programme", "category"], year=y)
    amounts = _grouped(frame, "payroll.amount", ["programme", "category"], year=y)
    joined = [(p, c, people.get((p, c)), amounts.get((p, c))) for p, c in sorted(set(people) | set(amounts))]
    programme_names = _programme_names()
    rows = []
    for programme, category, n, amount in joined:
        p_name, c_names = programme_names.get(programme, (programme, {}))
        rows.append(
            [
                Cell(None, "text", text=p_name),
                Cell(None, "text", text=c_names.get(category, category)),
                Cell(int(n or 0), drill=_drill("payroll.beneficiaries", year=y, programme=programme,
                                               category=category, ward=ward)),
                Cell(int(amount or 0), "amount", drill=_drill("payroll.amount", year=y, programme=programme,
                                                              category=category, ward=ward)),
            ]
        )  # fmt: skip
    total_people = sum(people.values())
    total_amount = sum(amounts.values())
    rows.append([Cell(None, "text", text=str(_("Total"))), Cell(None, "text"),
                 Cell(total_people, drill=_drill("payroll.beneficiaries", year=y, ward=ward)),
                 Cell(total_amount, "amount", drill=_drill("payroll.amount", year=y, ward=ward))])  # fmt: skip
    return Table(
        _("Beneficiaries and amounts by programme and category"),
        [_("Programme"), _("Category"), _("People paid"), _("Amount paid (VND)")],
        rows,
        ["programme", "category", "people", "amount"],
        note=_("From frozen and later payrolls; a person paid in several months counts once in the year."),
    )


def _programme_names() -> dict[str, tuple[str, dict[str, str]]]:
    from django.utils.translation import get_language

    from ansinh.payments.actions import programme_labels
    from ansinh.programs.rules import programmes

    lang = (get_language() or "vi")[:2]
    return {k: programme_labels(k, lang) for k in programmes()}


@dataclass(frozen=True)
class DossiersByWard:
    """Dossiers accepted and settled in the year, early / on time / late, and citizens' satisfaction."""

    year: int


def run_dossiers(query: DossiersByWard, frame: pl.DataFrame, names: Mapping[str, str],
                 ward: str | None = None) -> Table:  # fmt: skip
    """``ward``: the table is that ward's own (its dashboard), so its total row links to that ward's lists."""
    y = query.year
    only = ward
    received = _by_ward(frame, "dossier.received", year=y)
    settled = _by_ward(frame, "dossier.settled", "category", year=y)
    rated = _by_ward(frame, "dossier.rated", "category", year=y)
    wards = _ward_rows(names, _wards_of(frame, "dossier.received", "dossier.settled"))

    on_time = ["early", "on_time"]
    links = [
        _drill("dossier.received", year=y),
        _drill("dossier.settled", year=y),
        _drill("dossier.settled", year=y, category=on_time),
        _drill("dossier.settled", year=y, category="late"),
        _drill("dossier.settled", year=y, category=on_time),
        _drill("dossier.rated", year=y),
        _drill("dossier.rated", year=y, category="satisfied"),
    ]
    kinds = ["count", "count", "count", "count", "rate", "count", "rate"]

    def row(code: str | None) -> list[Cell]:
        select = [code] if code else wards
        ward = code or only

        def t(src: dict[tuple[str, str], int], *keys: str) -> int:
            return sum(src.get((w, k), 0) for w in select for k in keys)

        done = t(settled, "early", "on_time", "late")
        good = t(settled, "early", "on_time")
        ratings = t(rated, "satisfied", "not_satisfied")
        happy = t(rated, "satisfied")
        values = [t(received, ""), done, good, t(settled, "late"), _rate(good, done), ratings, _rate(happy, ratings)]
        return [Cell(None, "text", text=names.get(code, code) if code else str(_("Total")))] + [
            Cell(v, kind, drill={**link, "ward": ward} if ward else link)
            for v, kind, link in zip(values, kinds, links, strict=True)
        ]

    rows = [row(w) for w in wards] + [row(None)]
    return Table(
        _("Dossiers by ward"),
        [_("Ward or commune"), _("Accepted"), _("Settled"), _("Early or on time"), _("Late"),
         _("Early or on time (%)"), _("Ratings"), _("Satisfied (%)")],
        rows,
        ["ward", "received", "settled", "on_time", "late", "on_time_rate", "ratings", "satisfaction"],
    )  # fmt: skip


# --- the year in review -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class YearInReview:
    """The year's figures in the shape of the department's annual review, with the year before and the
    change; each figure a link to its records."""

    year: int
    standards: tuple[str, ...]


def run_year_in_review(query: YearInReview, frame: pl.DataFrame, names: Mapping[str, str],
                       sources: frozenset[str], ward: str | None = None) -> Table:  # fmt: skip
    y = query.year
    rows: list[list[Cell]] = []

    def figure(label: Any, measure_name: str, kind: str = "count", **dims: Any) -> None:
        now = _value(frame, measure_name, year=y, **dims)
        before = _value(frame, measure_name, year=y - 1, **dims)
        drill_dims = {k: v for k, v in dims.items()}
        rows.append(
            [
                Cell(None, "text", text=str(label)),
                Cell(now, kind, drill=_drill(measure_name, year=y, ward=ward, **drill_dims)),
                Cell(before, kind, drill=_drill(measure_name, year=y - 1, ward=ward, **drill_dims)),
                Cell(now - before, "change"),
            ]
        )

    def rate(label: Any, measure_name: str, good: list[str], all_: list[str]) -> None:
        cells: list[Cell] = [Cell(None, "text", text=str(label))]
        values = []
        for year in (y, y - 1):
            n = _value(frame, measure_name, year=year, category=good)
            d = _value(frame, measure_name, year=year, category=all_)
            values.append(_rate(n, d))
            cells.append(Cell(_rate(n, d), "rate", drill=_drill(measure_name, year=year, category=good, ward=ward),
                              text=f"{n}/{d}"))  # fmt: skip
        change = values[0] - values[1] if values[0] is not None and values[1] is not None else None
        cells.append(Cell(change, "change"))
        rows.append(cells)

    def missing(label: Any) -> None:
        rows.append([Cell(None, "text", text=str(label)), Cell(None, "text", text=str(_("not available yet"))),
                     Cell(None, "text"), Cell(None, "text")])  # fmt: skip

    if "poverty" in sources:
        for std in query.standards:
            std_name = standard_name(std)
            figure(_("Poor households that escaped poverty ({standard})").format(standard=std_name), "poverty.flow",
                   standard=std, category="escaped_poverty")  # fmt: skip
            figure(_("Near-poor households that escaped near-poverty ({standard})").format(standard=std_name),
                   "poverty.flow", standard=std, category="escaped_near_poverty")  # fmt: skip
            figure(_("Poor households remaining at the end of the year ({standard})").format(standard=std_name),
                   "poverty.households", standard=std, category=POOR)  # fmt: skip
            figure(_("Near-poor households remaining at the end of the year ({standard})").format(standard=std_name),
                   "poverty.households", standard=std, category=NEAR_POOR)  # fmt: skip
    if "payroll" in sources:
        for programme, (p_name, _cats) in sorted(_programme_names().items()):
            if _value(frame, "payroll.beneficiaries", programme=programme, year=[y, y - 1]):
                figure(_("People paid a monthly allowance: {programme}").format(programme=p_name),
                       "payroll.beneficiaries", programme=programme)  # fmt: skip
    if "dossier" in sources:
        figure(_("Dossiers settled"), "dossier.settled")
        figure(_("Dossiers settled early or on time"), "dossier.settled", category=["early", "on_time"])
        rate(_("Dossiers settled early or on time (%)"), "dossier.settled", ["early", "on_time"],
             ["early", "on_time", "late"])  # fmt: skip
        rate(_("Citizens satisfied (%)"), "dossier.rated", ["satisfied"], ["satisfied", "not_satisfied"])
    if "cases" not in load():
        missing(_("Victims served by the one-stop model"))
    elif "cases" in sources:
        # Suppressed like every case figure, never a link; a hidden year hides the change too.
        now_, before_ = (_value(frame, "cases.opened", year=year) for year in (y, y - 1))
        shown = [None if 0 < v < suppression_threshold() else v for v in (now_, before_)]
        change = Cell(None, "text", text=SUPPRESSED) if None in shown else Cell(now_ - before_, "change")
        label = Cell(None, "text", text=str(_("Victims served by the one-stop model")))
        rows.append([label, _case_cell(shown[0]), _case_cell(shown[1]), change])
    return Table(
        _("The year in review"),
        [_("Figure"), str(y), str(y - 1), _("Change from the year before")],
        rows,
        ["figure", "year", "previous", "change"],
    )


# --- cases (suppressed, never linked) -----------------------------------------------------------------------

CASE_STAGES = ("new", "assessment", "plan", "services")
SUPPRESSED = "*"


def suppression_threshold() -> int:
    from django.conf import settings

    return int(settings.CASES_SUPPRESSION_THRESHOLD)


def suppressed_grid(cells: list[list[int]], source: str = "cases") -> list[list[int | None]]:
    """``cells`` (R×C) with its row and column totals, hidden entries ``None``: the source's own rule (the
    cases': ``cases.stats.suppress``, below the threshold and complementary so no total gives one back)."""
    suppress = load()[source].suppress
    assert suppress is not None, source
    grid = [[*row, sum(row)] for row in cells]
    grid.append([sum(grid[i][j] for i in range(len(cells))) for j in range(len(cells[0]) + 1)])
    mask = suppress(cells, suppression_threshold())
    return [[None if mask[i][j] else v for j, v in enumerate(row)] for i, row in enumerate(grid)]


def _case_cell(value: int | None) -> Cell:
    # Never a link: a case list exists only inside its circle.
    return Cell(None, "text", text=SUPPRESSED) if value is None else Cell(value, "count")


@dataclass(frozen=True)
class CasesByWard:
    """Open cases by stage, clocks overdue, cases opened and closed in the year, by ward: consenting cases only,
    small cells suppressed (with complementary suppression), no figure a link."""

    year: int


def run_cases(query: CasesByWard, frame: pl.DataFrame, names: Mapping[str, str]) -> Table:
    y = query.year
    measures = [f"cases.{m}" for m in load()["cases"].measures] if "cases" in load() else []
    wards = _ward_rows(names, _wards_of(frame, *measures))
    stages = _by_ward(frame, "cases.open", "category")
    singles = [
        _by_ward(frame, "cases.overdue"),
        _by_ward(frame, "cases.opened", year=y),
        _by_ward(frame, "cases.closed", year=y),
    ]
    rows: list[list[Cell]] = []
    if wards:
        block = suppressed_grid([[stages.get((w, k), 0) for k in CASE_STAGES] for w in wards])
        columns = [suppressed_grid([[src.get((w, ""), 0)] for w in wards]) for src in singles]
        for i, label in enumerate([*(names[w] for w in wards), str(_("Total"))]):
            rows.append(
                [Cell(None, "text", text=label), *(_case_cell(v) for v in block[i])]
                + [_case_cell(col[i][0]) for col in columns]
            )
    return Table(
        _("Cases by stage and overdue"),
        [_("Ward or commune"), _("New"), _("Assessment"), _("Plan"), _("Services"), _("Open cases"),
         _("Clocks overdue"), _("Cases opened in the year"), _("Cases closed in the year")],
        rows,
        ["ward", *CASE_STAGES, "open", "overdue", "opened", "closed"],
        note=_(
            "Only cases whose survivor consented to statistical reporting. * hidden: fewer than {n} cases, or "
            "hidden so that a total cannot give a hidden figure back. No figure links to a list of cases."
        ).format(n=suppression_threshold()),
    )  # fmt: skip


# --- the analyst's pivot ----------------------------------------------------------------------------------

PIVOT_DIMENSIONS = ("ward_code", "year", "month", "standard", "programme", "category")


@dataclass(frozen=True)
class Pivot:
    measure: str  # source.measure
    rows: tuple[str, ...]
    columns: tuple[str, ...] = ()
    filters: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def __post_init__(self) -> None:
        try:
            _source, meas = measure(self.measure)
        except KeyError:
            raise ReportError(reason=str(_("unknown measure"))) from None
        for d in (*self.rows, *self.columns, *(k for k, _v in self.filters)):
            if d not in PIVOT_DIMENSIONS:
                raise ReportError(reason=str(_("unknown dimension")))
        if not _source.drillable:  # the cases: suppressed figures only, never a free cross-tabulation
            raise ReportError(reason=str(_("these figures are not in the pivot")))
        if set(self.rows) & set(self.columns):
            raise ReportError(reason=str(_("a dimension is both a row and a column")))
        if meas.by_standard and "standard" not in (*self.rows, *self.columns):
            chosen = dict(self.filters).get("standard", ())
            if len(chosen) != 1:
                raise StandardsMixed()


def run_pivot(query: Pivot, frame: pl.DataFrame, names: Mapping[str, str]) -> Table:
    source, _dot, name = query.measure.partition(".")
    part = frame.filter((pl.col("source") == source) & (pl.col("measure") == name))
    for dim, values in query.filters:
        if values:
            part = part.filter(pl.col(dim).cast(pl.String).is_in(list(values)))
    rows_dims, col_dims = list(query.rows), list(query.columns)
    grouped = part.group_by([*rows_dims, *col_dims] or [pl.lit(0).alias("_all")]).agg(pl.col("value").sum())
    kind = "amount" if name == "amount" else "count"
    fixed = {k: list(v) for k, v in query.filters if v}

    def key_text(dim: str, value: Any) -> str:
        return dimension_text(dim, value, names)

    col_keys = (
        sorted(grouped.select(col_dims).unique().iter_rows(), key=lambda r: tuple(map(str, r))) if col_dims else [()]
    )
    row_keys = (
        sorted(grouped.select(rows_dims).unique().iter_rows(), key=lambda r: tuple(map(str, r))) if rows_dims else [()]
    )
    lookup = {tuple(r[: len(rows_dims) + len(col_dims)]): int(r[-1]) for r in grouped.iter_rows()}

    def drill(rk: tuple[Any, ...], ck: tuple[Any, ...]) -> dict[str, str]:
        dims: dict[str, Any] = dict(fixed)
        dims.update({d: v for d, v in zip(rows_dims, rk, strict=True)})
        dims.update({d: v for d, v in zip(col_dims, ck, strict=True)})
        return _drill(query.measure, **{("ward" if k == "ward_code" else k): v for k, v in dims.items()})

    columns: list[Any] = [*(dimension_label(d) for d in rows_dims)]
    columns += [" / ".join(key_text(d, v) for d, v in zip(col_dims, ck, strict=True)) or str(_("Total"))
                for ck in col_keys]  # fmt: skip
    rows = []
    for rk in row_keys:
        cells = [Cell(None, "text", text=key_text(d, v)) for d, v in zip(rows_dims, rk, strict=True)]
        for ck in col_keys:
            cells.append(Cell(lookup.get((*rk, *ck), 0), kind, drill=drill(rk, ck)))
        rows.append(cells)
    keys = [*rows_dims, *("|".join(map(str, ck)) or "total" for ck in col_keys)]
    return Table(_("Pivot"), columns, rows, keys)


DIMENSION_LABELS: dict[str, Any] = {
    "ward_code": _("Ward or commune"),
    "year": _("Year"),
    "month": _("Month"),
    "standard": _("Standard"),
    "programme": _("Programme"),
    "category": _("Category"),
}


def dimension_label(dim: str) -> str:
    """A dimension's name in words (``programme`` → "Chính sách")."""
    return str(DIMENSION_LABELS.get("ward_code" if dim == "ward" else dim, dim))


def dimension_text(dim: str, value: Any, names: Mapping[str, str]) -> str:
    """A dimension's value in words: a ward's name, a programme's, a category's, a standard's title."""
    from ansinh.standards import StandardError

    text = str(value)
    if dim in ("ward_code", "ward"):
        return names.get(text, text)
    if dim == "programme":
        return _programme_names().get(text, (text, {}))[0]
    if dim == "category":
        for _name, categories in _programme_names().values():
            if text in categories:
                return categories[text]
        return _label(text)
    if dim == "standard":
        try:
            return standard_name(text)
        except StandardError:
            return text
    return text


# --- runner dispatch ------------------------------------------------------------------------------------

RUNNERS: dict[type, Callable[..., Table]] = {
    PovertyByWard: run_poverty,
    DominantDeprivations: run_deprivations,
    ProgrammeByCategory: run_programmes,
    DossiersByWard: run_dossiers,
    Pivot: run_pivot,
    CasesByWard: run_cases,
}


def run(
    query: Any, frame: pl.DataFrame, names: Mapping[str, str], *, provenance: facts.Provenance | None = None, **kw: Any
) -> Table:
    """Run a typed query over a frame of facts; the table carries the frame's "as of" and queries (read from
    the frame's batches unless the caller, running several queries over one frame, gives them)."""
    table = RUNNERS[type(query)](query, frame, names, **kw)
    return with_provenance(table, frame, provenance)


def with_provenance(table: Table, frame: pl.DataFrame, prov: facts.Provenance | None = None) -> Table:
    if prov is None and frame.height:
        prov = facts.provenance(frame["batch_id"].unique().to_list())
    if prov is not None:
        table.as_of, table.queries = prov.as_of, prov.queries
    return table


def years_available(frame: pl.DataFrame) -> list[int]:
    return sorted(frame["year"].unique().to_list(), reverse=True) if frame.height else []


def standards_available(frame: pl.DataFrame) -> list[str]:
    at = ROW["standard"]
    found = {r[at] for m in load()["poverty"].measures for r in _rows(frame, f"poverty.{m}")}
    return sorted(s for s in found if s)


__all__ = ["DIMENSIONS", "Cell", "Table"]
