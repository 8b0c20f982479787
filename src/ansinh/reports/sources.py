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
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

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

    def units(self, wards: Sequence[str] | None) -> pl.DataFrame:
        return self.build(wards).select([pl.col(k).cast(v) for k, v in UNIT_SCHEMA.items()])


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


def poverty_units(wards: Sequence[str] | None) -> pl.DataFrame:
    """The households on the list on each year's last day (by class), their flows during the year, and among
    the poor of the year's approved rounds, those deprived in each indicator."""
    from ansinh.review.queries import FLOW_SIGNS, flow_movements

    statuses = _in(STATUS_SQL, wards, STATUS_SCHEMA, STATUS_WHERE)
    parts: list[pl.LazyFrame] = []
    if statuses.height:
        first = int(statuses["valid_from"].dt.year().min())  # type: ignore[arg-type]
        last = int(statuses["valid_from"].dt.year().max())  # type: ignore[arg-type]
        for year in range(first, last + 1):
            moves = flow_movements(statuses, year_end(year - 1), year_end(year), list(wards) if wards else None)
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
    assessed = _in(DEPRIVED_SQL, wards, DEPRIVED_SCHEMA, "AND r.ward_id IN (%s)")
    if assessed.height:
        # A household assessed poor by two approved rounds of a year (a correction) counts once: the later one.
        poor = (
            assessed.lazy()
            .with_columns(pl.col("decided_on").dt.year().alias("year"))
            .sort("decided_on")
            .unique(["household_id", "standard", "year"], keep="last", maintain_order=True)
        )
        parts.append(
            _units(
                poor.select("ward_code", "year", "standard", pl.col("household_id").alias("record")),
                measure="assessed_poor",
            )
        )
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
    if not parts:
        return empty_units()
    # In memory: Polars 2.1's default (streaming) engine panics on the flows' string expressions over the
    # 4,000,000-household city's two million statuses ("assertion failed: i < self.len()" in a string view),
    # after a round added 50 statuses to one ward; the in-memory engine computes the same frame.
    return pl.concat(parts).collect(engine="in-memory")


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


def payroll_units(wards: Sequence[str] | None) -> pl.DataFrame:
    """Each paid line of a frozen (or later) payroll: the month's people paid and amount; and each person paid
    at least once in the year, by programme and category."""
    lines = _in(PAYROLL_SQL, wards, PAYROLL_SCHEMA, "AND p.ward_id IN (%s)").lazy()
    lines = lines.with_columns(
        pl.col("month_start").dt.year().alias("year"), pl.col("month_start").dt.month().alias("month")
    )
    keep = ["ward_code", "year", "programme", "category"]
    parts = [
        _units(lines.select(*keep, "month", pl.col("line").alias("record")), measure="paid"),
        _units(
            lines.select(*keep, "month", pl.col("line").alias("record"), pl.col("amount").alias("value")),
            measure="amount",
        ),
        _units(
            lines.select(*keep, pl.col("member").alias("record")).unique(maintain_order=True), measure="beneficiaries"
        ),
    ]
    return pl.concat(parts).collect()


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
        resource="payroll",
        query=PAYROLL_SQL.replace("{where}", "AND p.ward_id IN (%s)"),
        wards=_distinct_wards("SELECT DISTINCT ward_id AS ward_code FROM payments_payroll"),
    )
)


# --- dossiers: received, settled early / on time / late, ratings ------------------------------------------


def _dossier_sql() -> str:
    # Only the fixed epoch expressions are interpolated.
    epochs = ", ".join(
        f"{_epoch(c)} AS {n}" for c, n in (("acc.at", "accepted"), ("fin.at", "ended"), ("due.appointment", "due"))
    )
    return (
        "SELECT d.id AS dossier, d.ward_id AS ward_code, d.channel, " + epochs + ", fin.kind AS end_kind "  # noqa: S608
        "FROM dossiers_dossier d "
        "JOIN dossiers_dossierevent acc ON acc.dossier_id = d.id AND acc.kind = 'accepted' "
        "LEFT JOIN dossiers_dossierevent fin ON fin.dossier_id = d.id AND fin.kind IN ('decided', 'withdrawn') "
        "LEFT JOIN dossiers_dossierevent due ON due.dossier_id = d.id AND due.seq = ("
        "  SELECT MAX(e.seq) FROM dossiers_dossierevent e WHERE e.dossier_id = d.id "
        "  AND e.appointment IS NOT NULL AND (fin.at IS NULL OR e.at <= fin.at)) "
        "WHERE 1 = 1 {where}"
    )


DOSSIER_SCHEMA = {
    "dossier": pl.Int64,
    "ward_code": pl.String,
    "channel": pl.String,
    "accepted": pl.Int64,
    "ended": pl.Int64,
    "due": pl.Int64,
    "end_kind": pl.String,
}
RATING_SQL = (
    "SELECT r.id AS rating, d.ward_id AS ward_code, r.level, {at} AS rated_at "
    "FROM dossiers_rating r JOIN dossiers_dossier d ON d.id = r.dossier_id "
    "WHERE 1 = 1 {where}"
)
RATING_SCHEMA = {"rating": pl.Int64, "ward_code": pl.String, "level": pl.Int64, "rated_at": pl.Int64}
SATISFIED_LEVEL = 4  # "satisfied" or "very satisfied", as dossiers.reports.satisfaction counts them


def dossier_units(wards: Sequence[str] | None) -> pl.DataFrame:
    """Each accepted dossier in the month of its acceptance (by channel), each settled one (decided or
    withdrawn) in the month it ended, early / on time / late as the period report compares the local dates of
    the end and of the appointment then in force; each rating in its month, satisfied or not."""
    rows = _in(_dossier_sql(), wards, DOSSIER_SCHEMA, "AND d.ward_id IN (%s)").lazy()
    rows = rows.with_columns(
        _local_date("accepted").alias("accepted_on"),
        _local_date("ended").alias("ended_on"),
        _local_date("due").alias("due_on"),
    )
    received = rows.select(
        "ward_code",
        pl.col("accepted_on").dt.year().alias("year"),
        pl.col("accepted_on").dt.month().alias("month"),
        pl.col("channel").alias("category"),
        pl.col("dossier").alias("record"),
    )
    ended = rows.filter(pl.col("ended_on").is_not_null())
    timeliness = (
        pl.when(pl.col("ended_on") < pl.col("due_on"))
        .then(pl.lit("early"))
        .when(pl.col("ended_on") == pl.col("due_on"))
        .then(pl.lit("on_time"))
        .otherwise(pl.lit("late"))
    )
    settled = ended.select(
        "ward_code",
        pl.col("ended_on").dt.year().alias("year"),
        pl.col("ended_on").dt.month().alias("month"),
        timeliness.alias("category"),
        pl.col("dossier").alias("record"),
    )
    sql = RATING_SQL.replace("{at}", _epoch("r.at"))
    ratings = (
        _in(sql, wards, RATING_SCHEMA, "AND d.ward_id IN (%s)").lazy().with_columns(_local_date("rated_at").alias("on"))
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
    return pl.concat(
        [_units(received, measure="received"), _units(settled, measure="settled"), _units(rated, measure="rated")]
    ).collect()


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
        resource="dossier",
        query="dossiers_dossier ⋈ dossiers_dossierevent (accepted; decided or withdrawn; the last appointment "
        "set before the end) ⋈ dossiers_rating, in local dates (Asia/Ho_Chi_Minh)",
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
