"""The period report and satisfaction, set-based (one SQL statement each, no dossier loop).

For a unit and a period ``[start, end)`` (local dates, ``end`` exclusive):

    carried over + received (online + counter + post)
        = processed (early + on time + late) + in progress (in time + overdue) + paused

* a dossier counts from its acceptance (the clock's start); a refused one never counts;
* carried over: accepted before the period and not ended before it — the previous period's open dossiers;
* processed: ended in the period — decided, or withdrawn (the national code list gives withdrawal no block of its
  own; ansinh counts it as processed and shows it apart as "of which withdrawn", dossiers reference §11.8);
  early / on time / late compare the local dates of the end and of the appointment then in force;
* open at the end: paused when the last event left it waiting for a supplement or stopped (as the national
  report's "paused" blocks, §7), otherwise in progress, overdue when its appointment's date is before ``end``;
* adjusted: processed dossiers whose appointment a correction moved, shown apart.

The statement reads the per-dossier summary of the event times (``dossiers.summary``, derived from the events in
the transaction that appends them) of the dossiers a period can count: accepted before its end and not ended
before its start. A dossier with an event after the period's end that changes what the report reads is derived
again from its events before that end, by the summary's own derivation, so a past period's report does not move.

Nothing is read from a stored timeliness: there is none; the summary holds times, and the judgement is made here
against the period's end.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, fields
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from ansinh.dossiers.summary import derived_sql
from ansinh.dossiers.summary import local_date_sql as local_date_of

PAUSED = ("supplement", "stopped")


@dataclass(frozen=True)
class PeriodReport:
    unit: str  # a ward code, or "" for all the wards asked
    start: dt.date
    end: dt.date
    carried_over: int = 0
    received_online: int = 0
    received_counter: int = 0
    received_post: int = 0
    early: int = 0
    on_time: int = 0
    late: int = 0
    withdrawn: int = 0
    adjusted: int = 0
    in_time: int = 0
    overdue: int = 0
    paused: int = 0
    digitised: int = 0  # of those received, with a file attached at receipt (not part of the identity)

    @property
    def received(self) -> int:
        return self.received_online + self.received_counter + self.received_post

    @property
    def processed(self) -> int:
        return self.early + self.on_time + self.late

    @property
    def in_progress(self) -> int:
        return self.in_time + self.overdue

    @property
    def open(self) -> int:
        return self.in_progress + self.paused

    @property
    def identity_holds(self) -> bool:
        return self.carried_over + self.received == self.processed + self.in_progress + self.paused

    @property
    def on_time_rate(self) -> float | None:
        """(early + on time) / processed, as the department's yearly review counts it."""
        return (self.early + self.on_time) / self.processed if self.processed else None

    @property
    def on_time_percent(self) -> float | None:
        rate = self.on_time_rate
        return None if rate is None else rate * 100

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "received": self.received, "processed": self.processed, "open": self.open}


COUNTS = tuple(f.name for f in fields(PeriodReport) if f.type in ("int", int))


def aware_day(day: dt.date) -> dt.datetime:
    """Local midnight of ``day`` as an aware datetime."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))


def _bound(day: dt.date) -> Any:
    """Local midnight of ``day`` as the database compares a datetime column."""
    return connection.ops.adapt_datetimefield_value(timezone.make_aware(dt.datetime.combine(day, dt.time())))


def _local_date(column: str, on: dt.date) -> str:
    """SQL for the local date of a UTC datetime column (``on`` is kept for the callers; the offset is fixed)."""
    return local_date_of(column)


local_date_sql = _local_date  # the same local-date SQL for the other set-based reports (feedback, 766)


def _sql(start: dt.date, end: dt.date, wards: list[str] | None) -> tuple[str, list[Any]]:
    end_day = connection.ops.adapt_datefield_value(end)
    s, e = _bound(start), _bound(end)
    ward_list = list(wards or [])
    in_wards = "" if wards is None else f"AND {{t}}.ward_id IN ({', '.join(['%s'] * len(ward_list)) or 'NULL'})"

    def counted(t: str) -> str:
        """The dossiers the period can count: accepted before its end, not ended before its start."""
        return f"{t}.accepted_at < %s AND ({t}.ended_at IS NULL OR {t}.ended_at >= %s) {in_wards.format(t=t)}"

    def changed(t: str) -> str:
        """Whether an event after the period's end changed what the report reads (the appointment in force, for
        a dossier ended in the period; anything, for one open at its end). Unknown counts as changed."""
        return f"COALESCE(CASE WHEN {t}.ended_at < %s THEN {t}.due_set_at >= %s ELSE {t}.last_at >= %s END, TRUE)"

    counted_params, changed_params = [e, s, *ward_list], [e, e, e]
    paused = ", ".join(f"'{p}'" for p in PAUSED)

    def n(condition: str) -> str:
        return f"COUNT(*) FILTER (WHERE {condition})"

    processed = "d.end_at IS NOT NULL AND d.end_at >= %s"
    still_open = f"d.end_at IS NULL AND d.last_status NOT IN ({paused})"
    # The summary is the state at the period's end for every dossier nothing changed since; the few others (an
    # end of the year decided in January) are derived again from their events before the end, by the same
    # derivation. Only placeholders and the fixed expressions above are interpolated; every value is a parameter.
    if connection.vendor == "postgresql":
        # One pass over the summary; a changed dossier's events (few: the planner cannot know) are read through
        # their index by the lateral derivation, which a one-time filter skips for every other dossier.
        def pick(column: str) -> str:
            return f"CASE WHEN f.dossier_id IS NULL THEN s.{column} ELSE f.{column} END"

        rows = f"""
            SELECT s.ward_id, s.channel, s.accepted_at AS acc_at, {pick("ended_at")} AS end_at,
                   CASE WHEN {pick("withdrawn_at")} IS NOT NULL THEN 1 ELSE 0 END AS withdrawn,
                   CASE WHEN {pick("corrected_at")} IS NOT NULL THEN 1 ELSE 0 END AS adjusted,
                   {pick("ended_on")} AS end_day, {pick("due_on")} AS due_day,
                   {pick("last_status")} AS last_status, {pick("files")} AS files
            FROM dossiers_dossiersummary s
            LEFT JOIN LATERAL ({derived_sql(f"e.dossier_id = s.dossier_id AND e.at < %s AND {changed('s')}")}) f
                ON TRUE
            WHERE {counted("s")}
        """  # noqa: S608
        rows_params = [e, *changed_params, *counted_params]
    else:
        recent = f"SELECT c.dossier_id FROM dossiers_dossiersummary c WHERE {counted('c')} AND {changed('c')}"  # noqa: S608
        rows = f"""
            SELECT s.ward_id, s.channel, s.accepted_at AS acc_at, s.ended_at AS end_at,
                   CASE WHEN s.withdrawn_at IS NOT NULL THEN 1 ELSE 0 END AS withdrawn,
                   CASE WHEN s.corrected_at IS NOT NULL THEN 1 ELSE 0 END AS adjusted,
                   s.ended_on AS end_day, s.due_on AS due_day, s.last_status, s.files
            FROM dossiers_dossiersummary s
            WHERE {counted("s")} AND NOT {changed("s")}
            UNION ALL
            SELECT s.ward_id, s.channel, f.accepted_at, f.ended_at,
                   CASE WHEN f.withdrawn_at IS NOT NULL THEN 1 ELSE 0 END,
                   CASE WHEN f.corrected_at IS NOT NULL THEN 1 ELSE 0 END,
                   f.ended_on, f.due_on, f.last_status, f.files
            FROM ({derived_sql(f"e.dossier_id IN ({recent}) AND e.at < %s")}) f
            JOIN dossiers_dossiersummary s ON s.dossier_id = f.dossier_id
        """  # noqa: S608
        rows_params = [*counted_params, *changed_params, *counted_params, *changed_params, e]
    sql = f"""
        WITH d AS ({rows})
        SELECT d.ward_id,
               {n("d.acc_at < %s AND (d.end_at IS NULL OR d.end_at >= %s)")},
               {n("d.acc_at >= %s AND d.channel = 'online'")},
               {n("d.acc_at >= %s AND d.channel = 'counter'")},
               {n("d.acc_at >= %s AND d.channel = 'post'")},
               {n(f"{processed} AND d.end_day < d.due_day")},
               {n(f"{processed} AND d.end_day = d.due_day")},
               {n(f"{processed} AND d.end_day > d.due_day")},
               {n(f"{processed} AND d.withdrawn = 1")},
               {n(f"{processed} AND d.adjusted = 1")},
               {n(f"{still_open} AND d.due_day >= %s")},
               {n(f"{still_open} AND d.due_day < %s")},
               {n(f"d.end_at IS NULL AND d.last_status IN ({paused})")},
               {n("d.acc_at >= %s AND d.files > 0")}
        FROM d
        GROUP BY d.ward_id
        ORDER BY d.ward_id
    """  # noqa: S608
    params = list(rows_params)
    params += [s, s, s, s, s, s, s, s, s, s, end_day, end_day, s]
    return sql, params


def tune(cursor: Any) -> None:
    """PostgreSQL: no JIT for the report's one statement (compiling it costs more than it saves) and room to
    sort and hash a city-year in memory; for this transaction only."""
    if connection.vendor == "postgresql":
        cursor.execute("SET LOCAL jit = off")
        cursor.execute("SET LOCAL work_mem = '64MB'")


def period_report(start: dt.date, end: dt.date, wards: list[str] | None = None) -> list[PeriodReport]:
    """The report of each ward (of ``wards``, or every ward with dossiers) for ``[start, end)``, then the total
    (unit ``""``). One statement; the identity is checked on every row."""
    sql, params = _sql(start, end, wards)
    with transaction.atomic(), connection.cursor() as cursor:
        tune(cursor)
        cursor.execute(sql, params)
        rows = [PeriodReport(str(r[0]), start, end, *(int(v or 0) for v in r[1:])) for r in cursor.fetchall()]
    total = PeriodReport("", start, end, *(sum(getattr(r, c) for r in rows) for c in COUNTS))
    for report in [*rows, total]:
        if not report.identity_holds:  # pragma: no cover - guards the SQL's classification
            raise AssertionError(f"period report identity broken for {report.unit or 'all'}: {report.as_dict()}")
    return [*rows, total]


@dataclass(frozen=True)
class Satisfaction:
    unit: str
    ratings: int
    satisfied: int  # "satisfied" or "very satisfied"

    @property
    def rate(self) -> float | None:
        return self.satisfied / self.ratings if self.ratings else None

    @property
    def percent(self) -> float | None:
        return None if self.rate is None else self.rate * 100


def satisfaction(start: dt.date, end: dt.date, wards: list[str] | None = None) -> list[Satisfaction]:
    """The share of ratings given in ``[start, end)`` at the two top levels, per ward and in total, reproducible
    from the raw ratings."""
    where, params = "r.at >= %s AND r.at < %s", [_bound(start), _bound(end)]
    if wards is not None:
        where += f" AND d.ward_id IN ({', '.join(['%s'] * len(wards)) or 'NULL'})"
        params += list(wards)
    sql = f"""
        SELECT d.ward_id, COUNT(*), SUM(CASE WHEN r.level >= 4 THEN 1 ELSE 0 END)
        FROM dossiers_rating r JOIN dossiers_dossiersummary d ON d.dossier_id = r.dossier_id
        WHERE {where} GROUP BY d.ward_id ORDER BY d.ward_id
    """  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = [Satisfaction(str(w), int(c), int(s or 0)) for w, c, s in cursor.fetchall()]
    return [*rows, Satisfaction("", sum(r.ratings for r in rows), sum(r.satisfied for r in rows))]
