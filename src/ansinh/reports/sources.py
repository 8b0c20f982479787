"""Where the facts come from: one source per module, each turning its records into *units*.

A unit is one counted record: a household in a class on the year's last day, a household's flow during the
year, a paid payroll line, a dossier settled in a month. Its columns are :data:`UNIT_SCHEMA`: the dimensions
(ward, year, month, standard, programme, category), the measure, the record counted and the value it adds (1,
or an amount). The fact tables are the units grouped by every dimension (``facts.aggregate``); the list behind a
figure is the units with the figure's dimensions (``drill.records``): the same frame, so the list's count is
the figure by construction, and a test holds the stored figure to a fresh count.

A module not yet built has no source, and the pages say so. A new source is one more :class:`Source`
registered with :func:`register` from the module's own ``facts.py`` (found by :func:`load`), or here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

import polars as pl
from django.db import connection
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _

from ansinh import vocab
from ansinh.dbframes import read_frame, read_frame_in

UNIT_SCHEMA: dict[str, Any] = {
    "ward_code": pl.String,
    "year": pl.Int32,
    "month": pl.Int32,
    "standard": pl.String,
    "programme": pl.String,
    "category": pl.String,
    "measure": pl.String,
    "record": pl.Int64,
    "value": pl.Int64,
}
DIMENSIONS = ("ward_code", "year", "month", "standard", "programme", "category")
TIME_ZONE = "Asia/Ho_Chi_Minh"


@dataclass(frozen=True)
class Measure:
    """What a figure counts. ``record``: what the list behind it shows (household, payroll_line, member,
    dossier, rating); ``grain``: ``year`` (month 0) or ``month``; ``unit``: what the value is in."""

    name: str
    label: Any
    record: str
    grain: str = "year"
    unit: str = "count"
    category: Any = ""  # the meaning of the category dimension, for headings
    by_standard: bool = False  # figures of different standards never add up


@dataclass(frozen=True)
class Ask:
    """What a list behind a figure asks of a source: one measure, and the values kept of some dimensions (as
    the figure's link gives them, strings)."""

    measure: str
    filters: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def years(self) -> list[int] | None:
        """The years asked (None: any); a year that is not one matches nothing."""
        if "year" not in self.filters:
            return None
        # Only years a date can have (and the next): no unit is of another.
        return sorted({int(v) for v in self.filters["year"] if v.isdigit() and 1 < int(v) < dt.MAXYEAR})

    def values(self, dimension: str) -> tuple[str, ...] | None:
        return self.filters.get(dimension)


@dataclass
class Source:
    name: str
    label: Any
    measures: dict[str, Measure]
    build: Callable[[Sequence[str] | None], pl.DataFrame]  # units of the given wards (None: every ward)
    query: str  # what the facts are made from, shown with every figure
    resource: str  # the permission-matrix resource whose "view" a user needs to see these figures
    wards: Callable[[], list[str]] = field(default=list)  # every ward with records
    action: str = "view"  # the matrix action on ``resource`` that shows these figures (cases: ``report``)
    drillable: bool = True  # False: no figure links to a list and no pivot (the cases: a list is the circle's)
    # The source's own small-cell rule: counts R×C → which of the (R+1)×(C+1) entries with totals to hide.
    suppress: Callable[[list[list[int]], int], list[list[bool]]] | None = None
    # The units a list asks for (its measure, its years …), read with the filters pushed into the query: at
    # least every unit of ``build`` that matches the ask, perhaps more (the caller filters again). None: the
    # list filters ``build``'s units.
    select: Callable[[Sequence[str] | None, Ask], pl.DataFrame] | None = None

    def units(self, wards: Sequence[str] | None) -> pl.DataFrame:
        return self.build(wards).select([pl.col(k).cast(v) for k, v in UNIT_SCHEMA.items()])

    def asked_units(self, wards: Sequence[str] | None, ask: Ask) -> pl.DataFrame:
        """The units of ``wards`` with the ask's measure and dimension values: what a list shows."""
        frame = self.select(wards, ask) if self.select else self.build(wards)
        frame = frame.select([pl.col(k).cast(v) for k, v in UNIT_SCHEMA.items()])
        frame = frame.filter(pl.col("measure") == ask.measure)
        for dim, values in ask.filters.items():
            frame = frame.filter(pl.col(dim).cast(pl.String).is_in(list(values)))
        return frame


SOURCES: dict[str, Source] = {}


def register(source: Source) -> Source:
    SOURCES[source.name] = source
    return source


_discovered: list[bool] = []  # the modules' ``facts.py`` imported (once: a page asks for the sources often)


def load() -> dict[str, Source]:
    """Every registered source: the built-in ones and those of other modules' ``facts.py``."""
    if not _discovered:
        autodiscover_modules("facts")  # looks every installed app up on disk: done once, not per call
        _discovered.append(True)
    return SOURCES


def measure(full: str) -> tuple[Source, Measure]:
    """``source.measure`` → its source and measure; ``KeyError`` for an unknown one."""
    source_name, _dot, name = full.partition(".")
    source = load()[source_name]
    return source, source.measures[name]


def empty_units() -> pl.DataFrame:
    return pl.DataFrame(schema=UNIT_SCHEMA)


def _in(sql: str, wards: Sequence[str] | None, schema: dict[str, Any], where: str) -> pl.DataFrame:
    """``sql`` with ``where`` (holding ``IN (%s)``) for the given wards, or without it for every ward."""
    if wards is None:
        return read_frame(sql.replace("{where}", ""), [], schema)
    return read_frame_in(sql.replace("{where}", where), list(wards), schema)


def _any(column: str, values: Sequence[Any]) -> tuple[str, list[Any]]:
    """SQL keeping the rows whose ``column`` is one of ``values``, and its parameters (one array on PostgreSQL,
    a placeholder each on SQLite)."""
    values = list(values)
    if not values:
        return "1 = 0", []
    if connection.vendor == "postgresql":
        return f"{column} = ANY(%s)", [values]
    return f"{column} IN ({', '.join(['%s'] * len(values))})", values


def _conditions(parts: Sequence[tuple[str, list[Any]]]) -> tuple[str, list[Any]]:
    """``AND``-joined conditions and their parameters in order (``""`` for none)."""
    return "".join(f" AND {sql}" for sql, _p in parts), [p for _s, ps in parts for p in ps]


def _epoch(column: str) -> str:
    """SQL for a datetime column as seconds since 1970 (UTC), the same on both databases."""
    if connection.vendor == "postgresql":
        return f"CAST(EXTRACT(EPOCH FROM {column}) AS BIGINT)"
    return f"CAST(strftime('%%s', {column}) AS INTEGER)"


def _local_date(column: str) -> pl.Expr:
    return pl.from_epoch(pl.col(column), "s").dt.replace_time_zone("UTC").dt.convert_time_zone(TIME_ZONE).dt.date()


def _distinct_wards(sql: str) -> Callable[[], list[str]]:
    def wards() -> list[str]:
        return sorted(read_frame(sql, [], {"ward_code": pl.String})["ward_code"].drop_nulls().to_list())

    return wards


def _units(frame: pl.LazyFrame | pl.DataFrame, **fixed: Any) -> pl.LazyFrame:
    """A frame's rows as units: missing dimensions empty, ``fixed`` columns set."""
    lazy = frame.lazy().with_columns(**{k: pl.lit(v) for k, v in fixed.items()})
    names = lazy.collect_schema().names()
    blank = {"standard": "", "programme": "", "category": "", "month": 0, "value": 1}
    return lazy.with_columns(**{k: pl.lit(v) for k, v in blank.items() if k not in names}).select(
        [pl.col(k).cast(v) for k, v in UNIT_SCHEMA.items()]
    )


as_units = _units  # for the sources registered from other modules' ``facts.py``


# --- poverty: the official list, its flows and the deprivations of the poor --------------------------------

STATUS_SQL = (
    "SELECT household_id, ward_id AS ward_code, standard_id, class, valid_from, valid_to, end_reason, escaped_on "
    "FROM review_povertystatus {where}"
)
STATUS_WHERE = "WHERE household_id IN (SELECT household_id FROM review_povertystatus WHERE ward_id IN (%s))"
STATUS_SCHEMA = {
    "household_id": pl.Int64,
    "ward_code": pl.String,
    "standard_id": pl.String,
    "class": pl.String,
    "valid_from": pl.Date,
    "valid_to": pl.Date,
    "end_reason": pl.String,
    "escaped_on": pl.Date,
}
LISTED_SQL = (
    "SELECT household_id AS record, ward_id AS ward_code, standard_id AS standard, class AS category "
    "FROM review_povertystatus WHERE 1 = 1"
)
LISTED_SCHEMA = {"record": pl.Int64, "ward_code": pl.String, "standard": pl.String, "category": pl.String}
DEPRIVED_SQL = (
    "SELECT a.household_id, r.ward_id AS ward_code, a.standard_id AS standard, d.date AS decided_on, a.indicators "  # noqa: S608
    "FROM review_assessment a JOIN review_round r ON r.id = a.round_id "
    "JOIN review_decision d ON d.round_id = r.id "
    f"WHERE r.status = 'approved' AND a.class = '{vocab.POOR}' {{where}}"
)
DEPRIVED_SCHEMA = {
    "household_id": pl.Int64,
    "ward_code": pl.String,
    "standard": pl.String,
    "decided_on": pl.Date,
    "indicators": pl.String,
}


def year_end(year: int) -> dt.date:
    return dt.date(year, 12, 31)


def _year_units(
    statuses: pl.DataFrame, year: int, wards: Sequence[str] | None, measures: Sequence[str]
) -> list[pl.LazyFrame]:
    """The households on the list on the year's last day (``households``) and their flows during the year
    (``flow``), from the statuses of the households concerned."""
    from ansinh.review.queries import FLOW_SIGNS, flow_movements

    moves = flow_movements(statuses, year_end(year - 1), year_end(year), list(wards) if wards else None)
    parts = []
    if "households" in measures:
        parts.append(
            _units(
                moves.filter(pl.col("flow").str.starts_with("end_")).select(
                    "ward_code",
                    pl.col("standard_id").alias("standard"),
                    pl.col("flow").str.strip_prefix("end_").alias("category"),
                    pl.col("household_id").alias("record"),
                ),
                year=year,
                measure="households",
            )
        )
    if "flow" in measures:
        parts.append(
            _units(
                moves.filter(pl.col("flow").is_in(list(FLOW_SIGNS))).select(
                    "ward_code",
                    pl.col("standard_id").alias("standard"),
                    pl.col("flow").alias("category"),
                    pl.col("household_id").alias("record"),
                ),
                year=year,
                measure="flow",
            )
        )
    return parts


def _assessed_units(assessed: pl.DataFrame, measures: Sequence[str]) -> list[pl.LazyFrame]:
    """Among the poor of the year's approved rounds (``assessed_poor``), those deprived in each indicator
    (``deprived``)."""
    if not assessed.height:
        return []
    # A household assessed poor by two approved rounds of a year (a correction) counts once: the later one.
    poor = (
        assessed.lazy()
        .with_columns(pl.col("decided_on").dt.year().alias("year"))
        .sort("decided_on")
        .unique(["household_id", "standard", "year"], keep="last", maintain_order=True)
    )
    parts = []
    if "assessed_poor" in measures:
        parts.append(
            _units(
                poor.select("ward_code", "year", "standard", pl.col("household_id").alias("record")),
                measure="assessed_poor",
            )
        )
    if "deprived" in measures:
        deprived = poor.with_columns(
            pl.col("indicators").str.extract_all(r'"([A-Za-z0-9_]+)"\s*:\s*1\b').alias("category")
        ).explode("category")
        parts.append(
            _units(
                deprived.filter(pl.col("category").is_not_null()).select(
                    "ward_code",
                    "year",
                    "standard",
                    pl.col("category").str.extract(r'"([A-Za-z0-9_]+)"', 1).alias("category"),
                    pl.col("household_id").alias("record"),
                ),
                measure="deprived",
            )
        )
    return parts


POVERTY_MEASURES = ("households", "flow", "assessed_poor", "deprived")


def _collect(parts: list[pl.LazyFrame]) -> pl.DataFrame:
    if not parts:
        return empty_units()
    # In memory: Polars 2.1's default (streaming) engine panics on the flows' string expressions over the
    # 4,000,000-household city's two million statuses ("assertion failed: i < self.len()" in a string view),
    # after a round added 50 statuses to one ward; the in-memory engine computes the same frame.
    return pl.concat(parts).collect(engine="in-memory")


def poverty_units(wards: Sequence[str] | None) -> pl.DataFrame:
    """The households on the list on each year's last day (by class), their flows during the year, and among
    the poor of the year's approved rounds, those deprived in each indicator."""
    statuses = _in(STATUS_SQL, wards, STATUS_SCHEMA, STATUS_WHERE)
    parts: list[pl.LazyFrame] = []
    if statuses.height:
        first = int(statuses["valid_from"].dt.year().min())  # type: ignore[arg-type]
        last = int(statuses["valid_from"].dt.year().max())  # type: ignore[arg-type]
        for year in range(first, last + 1):
            parts += _year_units(statuses, year, wards, POVERTY_MEASURES)
    parts += _assessed_units(_in(DEPRIVED_SQL, wards, DEPRIVED_SCHEMA, "AND r.ward_id IN (%s)"), POVERTY_MEASURES)
    return _collect(parts)


def _status_households(wards: Sequence[str] | None) -> tuple[str, list[Any]]:
    """The condition keeping the statuses of the households with a status in ``wards`` (as ``STATUS_WHERE``):
    none when no ward outside them has a status (a city analyst's scope: every household)."""
    if wards is None:
        return "1 = 1", []
    inside, params = _any("code", wards)
    others = read_frame(f"SELECT code FROM geo_ward WHERE NOT ({inside})", params, {"code": pl.String})["code"]  # noqa: S608
    if len(others):
        outside, params = _any("ward_id", others.to_list())
        sql = f"SELECT 1 AS one FROM review_povertystatus WHERE {outside} LIMIT 1"  # noqa: S608
        found = read_frame(sql, params, {"one": pl.Int64})
        if not found.is_empty():
            sql, params = _any("ward_id", wards)
            return f"household_id IN (SELECT household_id FROM review_povertystatus WHERE {sql})", params  # noqa: S608
    return "1 = 1", []


def _in_years(households: tuple[str, list[Any]], year: int) -> bool:
    """Whether ``year`` is one of ``poverty_units``' years for these households: from the first to the last
    year one of their statuses begins. Only the last needs asking: before the first, no status is valid on
    31/12 of the year or of the year before, and nothing is counted or moves."""
    sql, params = households
    found = read_frame(
        f"SELECT 1 AS one FROM review_povertystatus WHERE valid_from >= %s AND {sql} LIMIT 1",  # noqa: S608
        [dt.date(year, 1, 1), *params],
        {"one": pl.Int64},
    )
    return not found.is_empty()


def poverty_select(wards: Sequence[str] | None, ask: Ask) -> pl.DataFrame:
    """The poverty units a list asks for, the year's, the standard's and the class's only (``poverty_units``
    builds every year's): for the households on the list, the statuses valid on 31/12 of the year; for the
    flows, the statuses valid on 31/12 of the year or of the year before, and those of an escape; for the
    assessed, the approved rounds decided in the year. Each year is one of ``poverty_units``' years (from the
    first to the last year a status of those households begins) and its units are computed by the same code, for
    the flows from the statuses of the households whose status changed in the year only."""
    years = ask.years()
    if years is None or ask.measure not in POVERTY_MEASURES:
        return poverty_units(wards)
    if not years:
        return empty_units()
    standards = ask.values("standard")
    parts: list[pl.LazyFrame] = []
    if ask.measure in ("households", "flow"):
        households = _status_households(wards)
        for year in (y for y in years if _in_years(households, y)):
            end, start = year_end(year), year_end(year - 1)
            if ask.measure == "households":
                valid = ("valid_from <= %s AND (valid_to IS NULL OR valid_to >= %s)", [end, end])
                where = [valid] + ([_any("ward_id", wards)] if wards is not None else [])
            else:
                valid = (
                    "(escaped_on IS NOT NULL OR (valid_from <= %s AND (valid_to IS NULL OR valid_to >= %s)) "
                    "OR (valid_from <= %s AND (valid_to IS NULL OR valid_to >= %s)))",
                    [start, start, end, end],
                )
                # A household (in a standard) moves only if one of its statuses began or ended in the year:
                # otherwise the statuses valid on the two days are the same, and so are its class and ward.
                changed = (
                    "(household_id, standard_id) IN (SELECT household_id, standard_id FROM review_povertystatus "
                    "WHERE (valid_from > %s AND valid_from <= %s) OR (valid_to >= %s AND valid_to < %s))",
                    [start, end, start, end],
                )
                where = [valid, changed, households]
            if standards is not None:
                where.append(_any("standard_id", standards))
            if ask.measure == "households" and ask.values("category") is not None:
                where.append(_any("class", ask.values("category") or ()))
            sql, params = _conditions(where)
            if ask.measure == "households":
                # The households on the list on 31/12 are the statuses valid that day, in their own ward
                # (``flow_movements``' ``end_<class>`` rows, one a status): read as they are.
                listed = read_frame(LISTED_SQL + sql, params, LISTED_SCHEMA)
                parts.append(_units(listed, year=year, measure="households"))
                continue
            statuses = read_frame(STATUS_SQL.replace("{where}", f"WHERE 1 = 1{sql}"), params, STATUS_SCHEMA)
            parts += _year_units(statuses, year, wards, (ask.measure,))
        return _collect(parts)
    where = [("d.date >= %s AND d.date < %s", [dt.date(min(years), 1, 1), dt.date(max(years) + 1, 1, 1)])]
    if wards is not None:
        where.append(_any("r.ward_id", wards))
    if standards is not None:
        where.append(_any("a.standard_id", standards))
    sql, params = _conditions(where)
    assessed = read_frame(DEPRIVED_SQL.replace("{where}", sql), params, DEPRIVED_SCHEMA)
    return _collect(_assessed_units(assessed, (ask.measure,)))


POVERTY = register(
    Source(
        name="poverty",
        label=_("Poverty review"),
        measures={
            "households": Measure(
                "households", _("Households on the list"), "household", category=_("class"), by_standard=True
            ),
            "flow": Measure("flow", _("Households moving"), "household", category=_("flow"), by_standard=True),
            "assessed_poor": Measure("assessed_poor", _("Poor households assessed"), "household", by_standard=True),
            "deprived": Measure(
                "deprived", _("Poor households deprived"), "household", category=_("indicator"), by_standard=True
            ),
        },
        build=poverty_units,
        select=poverty_select,
        resource="review",
        query=(
            f"{STATUS_SQL.replace('{where}', STATUS_WHERE)}; review.queries.flow_movements(statuses, 31/12 of the "
            f"year before, 31/12 of the year); {DEPRIVED_SQL.replace('{where}', 'AND r.ward_id IN (%s)')}"
        ),
        wards=_distinct_wards(
            "SELECT DISTINCT ward_id AS ward_code FROM review_povertystatus "
            "UNION SELECT DISTINCT ward_id FROM review_round"
        ),
    )
)


# --- payrolls: people paid and amounts, from frozen and later payrolls -----------------------------------

PAYROLL_SQL = (
    "SELECT p.ward_id AS ward_code, p.month AS month_start, l.programme, l.category, l.id AS line, "
    "l.member_id AS member, l.amount "
    "FROM payments_payrollline l JOIN payments_payroll p ON p.id = l.payroll_id "
    "WHERE p.status IN ('frozen', 'in_approval', 'approved', 'exported', 'reconciling', 'reconciled', 'closed') "
    "AND l.status = 'paid' {where}"
)
PAYROLL_SCHEMA = {
    "ward_code": pl.String,
    "month_start": pl.Date,
    "programme": pl.String,
    "category": pl.String,
    "line": pl.Int64,
    "member": pl.Int64,
    "amount": pl.Int64,
}


def payroll_units(wards: Sequence[str] | None, ask: Ask | None = None) -> pl.DataFrame:
    """Each paid line of a frozen (or later) payroll: the month's people paid and amount; and each person paid
    at least once in the year, by programme and category. With ``ask`` (a list's), only its measure, read for
    its years and programmes."""
    measures = (ask.measure,) if ask and ask.measure in PAYROLL_MEASURES else PAYROLL_MEASURES
    years = ask.years() if ask else None
    if years == []:
        return empty_units()
    where = [_any("p.ward_id", wards)] if wards is not None else []
    if years is not None:  # a payroll's month is its first day
        where.append(("p.month >= %s AND p.month < %s", [dt.date(min(years), 1, 1), dt.date(max(years) + 1, 1, 1)]))
    if ask and ask.values("programme") is not None:
        where.append(_any("l.programme", ask.values("programme") or ()))
    sql, params = _conditions(where)
    lines = read_frame(PAYROLL_SQL.replace("{where}", sql), params, PAYROLL_SCHEMA).lazy()
    lines = lines.with_columns(
        pl.col("month_start").dt.year().alias("year"), pl.col("month_start").dt.month().alias("month")
    )
    keep = ["ward_code", "year", "programme", "category"]
    parts = []
    if "paid" in measures:
        parts.append(_units(lines.select(*keep, "month", pl.col("line").alias("record")), measure="paid"))
    if "amount" in measures:
        parts.append(
            _units(
                lines.select(*keep, "month", pl.col("line").alias("record"), pl.col("amount").alias("value")),
                measure="amount",
            )
        )
    if "beneficiaries" in measures:
        parts.append(
            _units(
                lines.select(*keep, pl.col("member").alias("record")).unique(maintain_order=True),
                measure="beneficiaries",
            )
        )
    return pl.concat(parts).collect()


PAYROLL_MEASURES = ("beneficiaries", "paid", "amount")


PAYROLL = register(
    Source(
        name="payroll",
        label=_("Payrolls"),
        measures={
            "beneficiaries": Measure("beneficiaries", _("People paid in the year"), "member", category=_("category")),
            "paid": Measure(
                "paid", _("People paid in the month"), "payroll_line", grain="month", category=_("category")
            ),
            "amount": Measure(
                "amount", _("Amount paid (VND)"), "payroll_line", grain="month", unit="VND", category=_("category")
            ),
        },
        build=payroll_units,
        select=payroll_units,
        resource="payroll",
        query=PAYROLL_SQL.replace("{where}", "AND p.ward_id IN (%s)"),
        wards=_distinct_wards("SELECT DISTINCT ward_id AS ward_code FROM payments_payroll"),
    )
)


# --- dossiers: received, settled early / on time / late, ratings ------------------------------------------


def _dossier_sql() -> str:
    """One row per accepted dossier from its summary (``dossiers.models.DossierSummary``, kept by the action that
    appends each event): its ward, channel, acceptance, end (decided or withdrawn) and the appointment in force
    at the end. The summary's appointment is the last one set; for a dossier given one after its end (no action
    does today: an apology's new date does not move it) the last one set before the end is read from its events."""
    # Only the fixed epoch expressions are interpolated.
    due = (
        "CASE WHEN s.ended_at IS NOT NULL AND s.due_set_at > s.ended_at THEN ("
        "SELECT e.appointment FROM dossiers_dossierevent e WHERE e.dossier_id = s.dossier_id "
        "AND e.appointment IS NOT NULL AND e.at <= s.ended_at ORDER BY e.seq DESC LIMIT 1) ELSE s.due END"
    )
    epochs = ", ".join(
        f"{_epoch(c)} AS {n}" for c, n in (("s.accepted_at", "accepted"), ("s.ended_at", "ended"), (f"({due})", "due"))
    )
    return (
        "SELECT s.dossier_id AS dossier, s.ward_id AS ward_code, s.channel, " + epochs + " "
        "FROM dossiers_dossiersummary s WHERE s.accepted_at IS NOT NULL {where}"
    )


DOSSIER_SCHEMA = {
    "dossier": pl.Int64,
    "ward_code": pl.String,
    "channel": pl.String,
    "accepted": pl.Int64,
    "ended": pl.Int64,
    "due": pl.Int64,
}
RATING_SQL = (
    "SELECT r.id AS rating, d.ward_id AS ward_code, r.level, {at} AS rated_at "
    "FROM dossiers_rating r JOIN dossiers_dossier d ON d.id = r.dossier_id "
    "WHERE 1 = 1 {where}"
)
RATING_SCHEMA = {"rating": pl.Int64, "ward_code": pl.String, "level": pl.Int64, "rated_at": pl.Int64}
SATISFIED_LEVEL = 4  # "satisfied" or "very satisfied", as dossiers.reports.satisfaction counts them
DOSSIER_MEASURES = ("received", "settled", "rated")


def _local_years(column: str, years: Sequence[int]) -> tuple[str, list[Any]]:
    """The rows whose ``column`` (a UTC time) falls in the local years ``years`` (and a day either side: the
    units' own local dates decide)."""
    zone = ZoneInfo(TIME_ZONE)
    start = dt.datetime(min(years), 1, 1, tzinfo=zone) - dt.timedelta(days=1)
    end = dt.datetime(max(years) + 1, 1, 1, tzinfo=zone) + dt.timedelta(days=1)
    return f"{column} >= %s AND {column} < %s", [start.astimezone(dt.UTC), end.astimezone(dt.UTC)]


def dossier_units(wards: Sequence[str] | None, ask: Ask | None = None) -> pl.DataFrame:
    """Each accepted dossier in the month of its acceptance (by channel), each settled one (decided or
    withdrawn) in the month it ended, early / on time / late as the period report compares the local dates of
    the end and of the appointment then in force; each rating in its month, satisfied or not. With ``ask`` (a
    list's), only its measure, read for its years."""
    measures = (ask.measure,) if ask and ask.measure in DOSSIER_MEASURES else DOSSIER_MEASURES
    years = ask.years() if ask else None
    if years == []:
        return empty_units()
    ward_sql = [_any("s.ward_id", wards)] if wards is not None else []
    parts = []
    if "received" in measures or "settled" in measures:
        when = []
        if years is not None:
            when = [_local_years("s.accepted_at" if measures == ("received",) else "s.ended_at", years)]
        sql, params = _conditions(ward_sql + when)
        rows = read_frame(_dossier_sql().replace("{where}", sql), params, DOSSIER_SCHEMA).lazy()
        rows = rows.with_columns(
            _local_date("accepted").alias("accepted_on"),
            _local_date("ended").alias("ended_on"),
            _local_date("due").alias("due_on"),
        )
        if "received" in measures:
            received = rows.select(
                "ward_code",
                pl.col("accepted_on").dt.year().alias("year"),
                pl.col("accepted_on").dt.month().alias("month"),
                pl.col("channel").alias("category"),
                pl.col("dossier").alias("record"),
            )
            parts.append(_units(received, measure="received"))
        if "settled" in measures:
            timeliness = (
                pl.when(pl.col("ended_on") < pl.col("due_on"))
                .then(pl.lit("early"))
                .when(pl.col("ended_on") == pl.col("due_on"))
                .then(pl.lit("on_time"))
                .otherwise(pl.lit("late"))
            )
            settled = rows.filter(pl.col("ended_on").is_not_null()).select(
                "ward_code",
                pl.col("ended_on").dt.year().alias("year"),
                pl.col("ended_on").dt.month().alias("month"),
                timeliness.alias("category"),
                pl.col("dossier").alias("record"),
            )
            parts.append(_units(settled, measure="settled"))
    if "rated" in measures:
        when = [_local_years("r.at", years)] if years is not None else []
        sql, params = _conditions(([_any("d.ward_id", wards)] if wards is not None else []) + when)
        ratings = (
            read_frame(RATING_SQL.replace("{at}", _epoch("r.at")).replace("{where}", sql), params, RATING_SCHEMA)
            .lazy()
            .with_columns(_local_date("rated_at").alias("on"))
        )
        rated = ratings.select(
            "ward_code",
            pl.col("on").dt.year().alias("year"),
            pl.col("on").dt.month().alias("month"),
            pl.when(pl.col("level") >= SATISFIED_LEVEL)
            .then(pl.lit("satisfied"))
            .otherwise(pl.lit("not_satisfied"))
            .alias("category"),
            pl.col("rating").alias("record"),
        )
        parts.append(_units(rated, measure="rated"))
    return pl.concat(parts).collect()


DOSSIER = register(
    Source(
        name="dossier",
        label=_("Public-service dossiers"),
        measures={
            "received": Measure("received", _("Dossiers accepted"), "dossier", grain="month", category=_("channel")),
            "settled": Measure("settled", _("Dossiers settled"), "dossier", grain="month", category=_("timeliness")),
            "rated": Measure("rated", _("Ratings"), "rating", grain="month", category=_("satisfaction")),
        },
        build=dossier_units,
        select=dossier_units,
        resource="dossier",
        query="dossiers_dossiersummary: accepted; decided or withdrawn; the appointment in force at the end; ⋈ "
        "dossiers_rating, in local dates (Asia/Ho_Chi_Minh)",
        wards=_distinct_wards("SELECT DISTINCT ward_id AS ward_code FROM dossiers_dossier"),
    )
)


# --- labels ---------------------------------------------------------------------------------------------

CATEGORY_LABELS: dict[str, Any] = {
    vocab.POOR: _("Poor"),
    vocab.NEAR_POOR: _("Near-poor"),
    "escaped_poverty": _("Escaped poverty"),
    "escaped_near_poverty": _("Escaped near-poverty"),
    "near_poor_to_poor": _("Near-poor to poor"),
    "newly_poor": _("Newly poor"),
    "re_poor": _("Poor again"),
    "newly_near_poor": _("Newly near-poor"),
    "moved_in_poor": _("Moved in, poor"),
    "moved_in_near_poor": _("Moved in, near-poor"),
    "moved_out_poor": _("Moved out, poor"),
    "moved_out_near_poor": _("Moved out, near-poor"),
    "early": _("Early"),
    "on_time": _("On time"),
    "late": _("Late"),
    "online": _("Online"),
    "counter": _("At the counter"),
    "post": _("By post"),
    "satisfied": _("Satisfied"),
    "not_satisfied": _("Not satisfied"),
}
