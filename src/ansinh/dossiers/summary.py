"""The per-dossier summary of the event times (``DossierSummary``): one row per dossier, derived from its events by
one function (:func:`derived_sql`), never typed.

The summary holds *times*, not judgements: when the dossier was received, accepted, decided, returned, withdrawn,
stopped, refused or first corrected; the appointment in force, when it was set, and the local dates of the end and
of the appointment (the one-stop practice compares dates); the working time paused for
supplements; the last status and when it was reached. Early, on time, late, in time and overdue are still derived
at query time from these times and an as-of date (``dossiers.reports``); no column says them.

Who writes it: :func:`refresh`, and nothing else. The actions call it in the transaction that appends the event
(``actions._append``); the bulk paths (the synthetic year, the migration's backfill, the benchmark) call it once
for a set of dossiers, set-based. The period report also calls :func:`derived_sql` to derive the summary *as of*
a period's end for the few dossiers that changed after it, so the report and the summary never disagree on what a
dossier's events say.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import connection
from django.utils import timezone

# The derived columns, in the order :func:`derived_sql` selects them (after ``dossier_id``).
COLUMNS = (
    "accepted_at",
    "ended_at",
    "decided_at",
    "returned_at",
    "withdrawn_at",
    "stopped_at",
    "refused_at",
    "corrected_at",
    "paused_seconds",
    "files",
    "ended_on",
    "due",
    "due_on",
    "due_set_at",
    "last_status",
    "last_at",
    "last_seq",
)
# Copied from the dossier row, which never changes them.
DOSSIER_COLUMNS = ("ward_id", "procedure", "channel", "received_at")
END_KINDS = ("decided", "withdrawn")


def local_date_sql(column: str) -> str:
    """SQL for the local date of a UTC datetime column (Vietnam keeps one offset all year, so SQLite adds it)."""
    if connection.vendor == "postgresql":
        return f"({column} AT TIME ZONE '{timezone.get_default_timezone_name()}')::date"
    offset = dt.datetime(2000, 1, 1, tzinfo=timezone.get_default_timezone()).utcoffset() or dt.timedelta()
    return f"date({column}, '{int(offset.total_seconds() // 60):+d} minutes')"


def _number(key: str) -> str:
    """SQL for the integer ``key`` of an event's data (0 when absent)."""
    if connection.vendor == "postgresql":
        return f"COALESCE((e.data->>'{key}')::bigint, 0)"
    return f"COALESCE(CAST(json_extract(e.data, '$.{key}') AS INTEGER), 0)"


def derived_sql(where: str) -> str:
    """SQL deriving the summary columns (``dossier_id`` then :data:`COLUMNS`) from the events ``e`` that satisfy
    ``where`` (a condition on ``e``, with placeholders; e.g. ``e.dossier_id = %s`` or ``e.at < %s`` too, for
    the summary as of an instant). The one derivation of the summary."""
    ends = ", ".join(f"'{k}'" for k in END_KINDS)

    def first(kind: str) -> str:
        return f"MIN(CASE WHEN e.kind = '{kind}' THEN e.at END)"

    aggregates = f"""e.dossier_id,
        {first("accepted")} AS accepted_at,
        MIN(CASE WHEN e.kind IN ({ends}) THEN e.at END) AS ended_at,
        {first("decided")} AS decided_at,
        {first("returned")} AS returned_at,
        {first("withdrawn")} AS withdrawn_at,
        {first("stopped")} AS stopped_at,
        {first("refused")} AS refused_at,
        {first("corrected")} AS corrected_at,
        SUM(CASE WHEN e.kind = 'supplement_received' THEN {_number("paused_working_seconds")} ELSE 0 END)
            AS paused_seconds,
        SUM(CASE WHEN e.kind = 'received' THEN {_number("files")} ELSE 0 END) AS files"""
    if connection.vendor == "postgresql":
        # The appointment in force and the last status come from the aggregate itself: no join back per dossier.
        due = "(array_agg(e.appointment ORDER BY e.seq DESC) FILTER (WHERE e.appointment IS NOT NULL))[1]"
        ended = f"MIN(CASE WHEN e.kind IN ({ends}) THEN e.at END)"
        return f"""
            SELECT {aggregates},
                {local_date_sql(ended)} AS ended_on,
                {due} AS due,
                {local_date_sql(due)} AS due_on,
                (array_agg(e.at ORDER BY e.seq DESC) FILTER (WHERE e.appointment IS NOT NULL))[1] AS due_set_at,
                (array_agg(e.status ORDER BY e.seq DESC))[1] AS last_status,
                MAX(e.at) AS last_at,
                MAX(e.seq) AS last_seq
            FROM dossiers_dossierevent e WHERE {where}
            GROUP BY e.dossier_id
        """  # noqa: S608 - fixed expressions and the caller's placeholders only
    return f"""
        SELECT f.dossier_id, f.accepted_at, f.ended_at, f.decided_at, f.returned_at, f.withdrawn_at, f.stopped_at,
               f.refused_at, f.corrected_at, f.paused_seconds, f.files, {local_date_sql("f.ended_at")} AS ended_on,
               a.appointment AS due, {local_date_sql("a.appointment")} AS due_on, a.at AS due_set_at,
               l.status AS last_status, l.at AS last_at, f.last_seq
        FROM (
            SELECT {aggregates},
                   MAX(CASE WHEN e.appointment IS NOT NULL THEN e.seq END) AS due_seq,
                   MAX(e.seq) AS last_seq
            FROM dossiers_dossierevent e WHERE {where}
            GROUP BY e.dossier_id
        ) f
        LEFT JOIN dossiers_dossierevent a ON a.dossier_id = f.dossier_id AND a.seq = f.due_seq
        JOIN dossiers_dossierevent l ON l.dossier_id = f.dossier_id AND l.seq = f.last_seq
    """  # noqa: S608 - fixed expressions and the caller's placeholders only


def _write(where: str, params: Sequence[Any], target: str) -> None:
    """Replace the summary rows of the dossiers ``target`` selects (a condition on ``dossier_id``) by the rows
    derived from their events (``where``, a condition on the events ``e``)."""
    columns = ", ".join(("dossier_id", *DOSSIER_COLUMNS, *COLUMNS))
    picked = ", ".join(("s.dossier_id", *(f"d.{c}" for c in DOSSIER_COLUMNS), *(f"s.{c}" for c in COLUMNS)))
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM dossiers_dossiersummary WHERE {target}", list(params))  # noqa: S608
        cursor.execute(
            f"INSERT INTO dossiers_dossiersummary ({columns}) SELECT {picked} "  # noqa: S608
            f"FROM ({derived_sql(where)}) s JOIN dossiers_dossier d ON d.id = s.dossier_id",
            list(params),
        )


def refresh(dossier_ids: Sequence[int]) -> None:
    """Derive again the summary of ``dossier_ids`` from their events (the actions: one dossier, in the
    transaction that appended its event)."""
    ids = list(dossier_ids)
    for chunk in range(0, len(ids), 500):
        part = ids[chunk : chunk + 500]
        marks = ", ".join(["%s"] * len(part))
        _write(f"e.dossier_id IN ({marks})", part, f"dossier_id IN ({marks})")


def refresh_range(first_id: int, last_id: int) -> None:
    """Derive again, set-based, the summary of every dossier whose id is in ``[first_id, last_id]`` (a bulk
    load: the synthetic year, the benchmark)."""
    _write("e.dossier_id BETWEEN %s AND %s", [first_id, last_id], "dossier_id BETWEEN %s AND %s")


def refresh_all() -> None:
    """Derive again the summary of every dossier (the migration's backfill)."""
    _write("1 = 1", [], "1 = 1")
