"""Build, refresh and read the fact tables.

``refresh(source, wards)`` recomputes the units of those wards (one set-based read per source, Polars group-by),
writes each ward's slice as a new batch in one transaction (``dbframes.insert_frame``: COPY on PostgreSQL) and
retires the slice's previous batch. ``rebuild()`` does it for every ward of every source. ``read(...)`` is the
one read of current facts every report starts from: a frame of facts with each row's batch ("as of").
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl
from django.db import connection, transaction
from django.db.models import Count, Max, Min
from django.utils import timezone

from ansinh.dbframes import insert_frame, read_frame
from ansinh.reports.models import FactBatch, YearFact
from ansinh.reports.sources import DIMENSIONS, UNIT_SCHEMA, Source, load

KEEP_VERSIONS = 3  # the current batch of a slice and the two before it; older ones are deleted
FACT_SCHEMA: dict[str, Any] = {
    "batch_id": pl.Int64,
    "source": pl.String,
    "measure": pl.String,
    **{k: UNIT_SCHEMA[k] for k in DIMENSIONS},
    "value": pl.Int64,
}


def aggregate(units: pl.DataFrame) -> pl.DataFrame:
    """Units → facts: one row per measure and dimensions, the sum of the units' values."""
    return (
        units.lazy()
        .group_by("measure", *DIMENSIONS)
        .agg(pl.col("value").sum().cast(pl.Int64))
        .sort("ward_code", "measure", "year", "month", "standard", "programme", "category")
        .collect()
    )


@dataclass(frozen=True)
class Refreshed:
    source: str
    wards: int
    rows: int
    seconds: float


def refresh(source: Source | str, wards: Sequence[str] | None = None, *, reason: str = "") -> Refreshed:
    """Recompute ``source``'s facts for ``wards`` (None: every ward the source has records for) as new
    current batches. A ward with no records left gets an empty batch (its old figures retire)."""
    started = time.perf_counter()
    src = load()[source] if isinstance(source, str) else source
    if wards is None:  # every ward with records, and every ward whose figures would otherwise stay behind
        held = FactBatch.objects.filter(source=src.name, current=True).values_list("ward_code", flat=True)
        codes = sorted(set(src.wards()) | set(held))
    else:
        codes = sorted(set(wards))
    units = src.units(None if wards is None else codes)
    facts = aggregate(units)
    now = timezone.now()
    with transaction.atomic():
        # One writer per slice at a time: the next version is read under the lock of the slice's rows.
        latest: dict[str, int] = {}
        for code, version in (
            FactBatch.objects.select_for_update()
            .filter(source=src.name, ward_code__in=codes)
            .values_list("ward_code", "version")
        ):
            latest[code] = max(version, latest.get(code, 0))
        counts = dict(facts.group_by("ward_code").len().iter_rows())
        batches = FactBatch.objects.bulk_create(
            [
                FactBatch(
                    source=src.name,
                    ward_code=code,
                    version=latest.get(code, 0) + 1,
                    current=True,
                    built_at=now,
                    reason=reason[:120],
                    query=src.query,
                    rows=int(counts.get(code, 0)),
                )
                for code in codes
            ]
        )
        ids = {b.ward_code: b.pk for b in batches}
        if not all(ids.values()):  # bulk_create returns no ids on some backends
            ids = dict(
                FactBatch.objects.filter(source=src.name, ward_code__in=codes, built_at=now).values_list(
                    "ward_code", "pk"
                )
            )
        FactBatch.objects.filter(source=src.name, ward_code__in=codes, current=True).exclude(
            pk__in=list(ids.values())
        ).update(current=False)
        rows = facts.filter(pl.col("ward_code").is_in(codes)).with_columns(
            pl.col("ward_code").replace_strict(ids, return_dtype=pl.Int64).alias("batch_id"),
            pl.lit(src.name).alias("source"),
        )
        insert_frame("reports_fact", rows.select(list(FACT_SCHEMA)))
        derive_year_facts(list(ids.values()))
        _prune(src.name)
    seconds = time.perf_counter() - started
    FactBatch.objects.filter(pk__in=list(ids.values())).update(seconds=seconds)
    return Refreshed(src.name, len(codes), rows.height, seconds)


YEAR_COLUMNS = "batch_id, source, measure, ward_code, year, standard, programme, category"


def derive_year_facts(batches: Sequence[int]) -> None:
    """Write these batches' year rows: their facts with the months added up (set-based, in the caller's
    transaction). ``refresh`` calls it for the batches it writes; whatever writes facts otherwise calls it too
    (the pages that show years read only the year rows)."""
    if not batches:
        return
    clause, params = _ids("batch_id", batches)
    with connection.cursor() as cur:
        cur.execute(
            f"INSERT INTO reports_yearfact ({YEAR_COLUMNS}, value) SELECT {YEAR_COLUMNS}, SUM(value) "  # noqa: S608
            f"FROM reports_fact WHERE {clause} GROUP BY {YEAR_COLUMNS}",
            params,
        )


def _prune(source: str) -> None:
    """Delete the batches more than ``KEEP_VERSIONS`` behind their slice's current one (set-based)."""
    stale = (
        "SELECT b.id FROM reports_factbatch b JOIN reports_factbatch c ON c.source = b.source "
        "AND c.ward_code = b.ward_code AND c.current = %s WHERE b.source = %s AND b.version <= c.version - %s"
    )
    with connection.cursor() as cur:
        cur.execute(f"DELETE FROM reports_fact WHERE batch_id IN ({stale})", [True, source, KEEP_VERSIONS])  # noqa: S608
        cur.execute(f"DELETE FROM reports_yearfact WHERE batch_id IN ({stale})", [True, source, KEEP_VERSIONS])  # noqa: S608
        cur.execute(f"DELETE FROM reports_factbatch WHERE id IN ({stale})", [True, source, KEEP_VERSIONS])  # noqa: S608


def rebuild(sources: Sequence[str] | None = None, *, reason: str = "rebuild") -> list[Refreshed]:
    """Every source's facts for every ward, from scratch."""
    names = list(sources or load())
    return [refresh(name, None, reason=reason) for name in names]


# --- reading --------------------------------------------------------------------------------------------


READ_SCHEMA: dict[str, Any] = {**{k: v for k, v in FACT_SCHEMA.items() if k != "batch_id"}, "batch_id": pl.Int64}


def _ids(column: str, ids: Sequence[int]) -> tuple[str, list[Any]]:
    """``column`` among ``ids``: one array parameter on PostgreSQL, a list of placeholders elsewhere."""
    if connection.vendor == "postgresql":
        return f"{column} = ANY(%s)", [list(ids)]
    return f"{column} IN ({', '.join(['%s'] * len(ids)) or 'NULL'})", list(ids)


def read(
    *,
    wards: Sequence[str] | None,
    sources: Sequence[str] | None = None,
    years: Sequence[int] | None = None,
    measures: Sequence[str] | None = None,
    monthly: bool = True,
    batches: Sequence[int] | None = None,
) -> pl.DataFrame:
    """The current facts of ``wards`` (None: every ward), optionally only some sources (``poverty``), years
    and measures (``poverty.households``). One query. ``monthly=False``: the year rows (the months added up
    when the batch was written, month 0), for pages that show years: a twelfth of the rows, no grouping.
    ``batches``: the current batches' ids already read (``current_provenance(...).batch_ids``, in the same
    transaction): the facts are read by them through the index, and are exactly those the provenance names."""
    where: list[str] = []
    params: list[Any] = []
    if batches is not None:
        if not batches:
            return pl.DataFrame(schema=READ_SCHEMA)
        clause, values = _ids("f.batch_id", batches)
        where.append(clause)
        params += values
    else:
        where.append("f.batch_id IN (SELECT b.id FROM reports_factbatch b WHERE b.current = %s)")
        params.append(True)
    if wards is not None:
        if not wards:
            return pl.DataFrame(schema=READ_SCHEMA)
        where.append(f"f.ward_code IN ({', '.join(['%s'] * len(wards))})")
        params += list(wards)
    if sources:
        where.append(f"f.source IN ({', '.join(['%s'] * len(sources))})")
        params += list(sources)
    if years:
        where.append(f"f.year IN ({', '.join(['%s'] * len(years))})")
        params += [int(y) for y in years]
    if measures:
        pairs = [m.partition(".") for m in measures]
        where.append("(" + " OR ".join(["(f.source = %s AND f.measure = %s)"] * len(pairs)) + ")")
        for s, _dot, m in pairs:
            params += [s, m]
    table = "reports_fact" if monthly else "reports_yearfact"
    columns = ", ".join("0 AS month" if c == "month" and not monthly else f"f.{c}" for c in READ_SCHEMA)
    sql = f"SELECT {columns} FROM {table} f WHERE {' AND '.join(where)}"  # noqa: S608 - fixed names, parameters
    return read_frame(sql, params, READ_SCHEMA)


@dataclass(frozen=True)
class Provenance:
    """Where figures come from: the oldest and newest "as of" of the batches read, and their queries."""

    as_of: dt.datetime | None
    newest: dt.datetime | None
    queries: dict[str, str]
    batches: int
    token: str = ""  # changes whenever a slice of these facts is rebuilt (newest batch id, batch count)
    batch_ids: tuple[int, ...] = ()  # the current batches (``current_provenance`` only), for ``read(batches=)``


def provenance(batch_ids: Sequence[int]) -> Provenance:
    """The oldest and newest "as of" of these batches and each source's query (two small queries)."""
    batches = FactBatch.objects.filter(pk__in=list(set(batch_ids)))
    span = batches.aggregate(oldest=Min("built_at"), newest=Max("built_at"), n=Count("id"))
    if not span["n"]:
        return Provenance(None, None, {}, 0)
    queries = dict(batches.order_by().values_list("source", "query").distinct())
    return Provenance(span["oldest"], span["newest"], queries, int(span["n"]))


def current_provenance(*, wards: Sequence[str] | None, sources: Sequence[str]) -> Provenance:
    """The provenance of the current slices of these wards and sources (what a page built from them shows),
    with a token that any refresh of one of them changes and the batches' ids (two small queries)."""
    batches = FactBatch.objects.filter(current=True, source__in=list(sources))
    if wards is not None:
        batches = batches.filter(ward_code__in=list(wards))
    rows = list(batches.order_by().values_list("id", "built_at"))
    if not rows:
        return Provenance(None, None, {}, 0, "empty")
    ids = tuple(sorted(pk for pk, _at in rows))
    times = [at for _pk, at in rows]
    oldest, newest = min(times), max(times)
    queries = dict(batches.order_by().values_list("source", "query").distinct())
    token = f"{ids[-1]}-{len(ids)}-{newest.isoformat()}"  # ids alone may be reused after a rollback
    return Provenance(oldest, newest, queries, len(ids), token, ids)


def years(*, wards: Sequence[str] | None, sources: Sequence[str]) -> list[int]:
    """The years the current facts of these wards and sources cover, newest first (one query)."""
    rows = YearFact.objects.filter(source__in=list(sources), batch__current=True)
    if wards is not None:
        rows = rows.filter(ward_code__in=list(wards))
    return sorted(set(rows.order_by().values_list("year", flat=True).distinct()), reverse=True)


def years_by_source(batches: Sequence[int]) -> dict[str, list[int]]:
    """The years these batches' facts cover, per source, newest first (one query through the index)."""
    if not batches:
        return {}
    clause, params = _ids("batch_id", batches)
    out: dict[str, set[int]] = {}
    with connection.cursor() as cur:
        cur.execute(f"SELECT DISTINCT source, year FROM reports_yearfact WHERE {clause}", params)  # noqa: S608
        for source, year in cur.fetchall():
            out.setdefault(source, set()).add(int(year))
    return {k: sorted(v, reverse=True) for k, v in out.items()}


def status() -> list[dict[str, Any]]:
    """Per source: current slices, rows, oldest and newest "as of"."""
    out = []
    for name in load():
        current = FactBatch.objects.filter(source=name, current=True)
        times = list(current.values_list("built_at", flat=True))
        out.append(
            {
                "source": name,
                "slices": len(times),
                "rows": sum(current.values_list("rows", flat=True)),
                "oldest": min(times) if times else None,
                "newest": max(times) if times else None,
            }
        )
    return out
