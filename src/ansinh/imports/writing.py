"""Set-based writes for the commit that ``ansinh.dbframes`` does not make: fresh ids, and versioned updates
(through a temporary table filled by COPY on PostgreSQL, ``executemany`` in batches on SQLite).

All of them run inside the caller's transaction; nothing here commits.
"""

from __future__ import annotations

import datetime
from typing import Any

import polars as pl
from django.db import connection

from ansinh.dbframes import BATCH_ROWS, insert_frame, sqlite_values


class StaleRows(Exception):
    """Rows changed by someone else between reading and updating them (their ``version`` moved)."""


def allocate_ids(table: str, n: int) -> list[int]:
    """``n`` fresh primary keys for ``table``, so inserted rows can be referenced without reading them back."""
    if n == 0:
        return []
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, n])
            return [r[0] for r in cur.fetchall()]
        # SQLite: the write lock is held (IMMEDIATE transaction), so max(id) cannot move under us.
        cur.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")  # noqa: S608
        start = int(cur.fetchone()[0]) + 1
        return list(range(start, start + n))


def update(table: str, frame: pl.DataFrame, *, now: datetime.datetime) -> int:
    """Set the columns of ``frame`` (besides ``id`` and ``old_version``) on the rows with those ids, bump their
    ``version`` and ``updated_at``; refuse (``StaleRows``) if any row's version is no longer ``old_version``."""
    if frame.height == 0:
        return 0
    cols = [c for c in frame.columns if c not in ("id", "old_version")]
    if connection.vendor == "postgresql":
        tmp = f"_import_{table}"
        with connection.cursor() as cur:
            cur.execute(f"DROP TABLE IF EXISTS {tmp}")
            cur.execute(
                f"CREATE TEMP TABLE {tmp} ON COMMIT DROP AS SELECT id, version AS old_version, "  # noqa: S608
                f"{', '.join(cols)} FROM {table} WITH NO DATA"
            )
        insert_frame(tmp, frame.select("id", "old_version", *cols))
        sets = ", ".join(f"{c} = u.{c}" for c in cols)
        with connection.cursor() as cur:
            cur.execute(
                f"UPDATE {table} t SET {sets}, version = t.version + 1, updated_at = %s "  # noqa: S608
                f"FROM {tmp} u WHERE t.id = u.id AND t.version = u.old_version",
                [now],
            )
            done = int(cur.rowcount)
            cur.execute(f"DROP TABLE {tmp}")
    else:
        ready = sqlite_values(frame.select(*cols, "id", "old_version"))
        sets = ", ".join(f"{c} = %s" for c in cols)
        sql = f"UPDATE {table} SET {sets}, version = version + 1, updated_at = %s WHERE id = %s AND version = %s"  # noqa: S608
        stamp = now.astimezone(datetime.UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
        done = 0
        with connection.cursor() as cur:
            for start in range(0, ready.height, BATCH_ROWS):
                rows: list[Any] = [(*r[:-2], stamp, r[-2], r[-1]) for r in ready.slice(start, BATCH_ROWS).iter_rows()]
                cur.executemany(sql, rows)
                done += cur.rowcount
    if done != frame.height:
        raise StaleRows(f"{frame.height - done} rows of {table} changed during the import")
    return done
