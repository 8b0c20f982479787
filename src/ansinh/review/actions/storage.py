"""Where an assessment's results go: the stored columns and the bulk insert (COPY on PostgreSQL) of a whole
round's assessments, overlapped with the evaluation by a writer thread (``Storer``)."""

from __future__ import annotations

import json
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import polars as pl
from django.db import connection

from ansinh.dbframes import insert_frame
from ansinh.review.models import Assessment

ASSESSMENT_COLUMNS = (
    "round_id",
    "round_household_id",
    "household_id",
    "standard_id",
    "parameter_version",
    "class",
    "deprivation_count",
    "income_per_person",
    "income_line",
    "members",
    "indicators",
    "explanation",
    "income_basis",
    "previous_class",
    "changed",
    "final",
    "assessed_at",
)


def stored_columns(result: pl.DataFrame) -> pl.DataFrame:
    """Add the stored ``indicators`` (JSON ``{name: 1}`` for each indicator the household is deprived in,
    ``{name: null}`` for one undetermined: its input not known, to be surveyed) and an empty ``explanation``:
    ``Assessment.explanation`` rebuilds it from the stored figures, so the bulk rows stay narrow (the text was
    about half of a row); a scoring method writes its own."""
    ind_cols = [c for c in result.columns if c.startswith("ind_")]
    # '"name": 1, ' per deprivation, then the trailing separator cut: concat_str is far cheaper than lists.
    deprived = (
        pl.concat_str(
            [
                pl.when(pl.col(c) == 1)
                .then(pl.lit(f"{json.dumps(c[4:])}: 1, "))
                .when(pl.col(c).is_null())
                .then(pl.lit(f"{json.dumps(c[4:])}: null, "))
                .otherwise(pl.lit(""))
                for c in ind_cols
            ]
        ).str.strip_suffix(", ")
        if ind_cols
        else pl.lit("")
    )
    return result.with_columns(
        pl.concat_str(pl.lit("{"), deprived, pl.lit("}")).alias("indicators"), pl.lit("").alias("explanation")
    )


def insert_assessments(frame: pl.DataFrame, cur: Any = None) -> None:
    """Bulk insert (``ansinh.dbframes``: COPY on PostgreSQL, executemany elsewhere), with ``cur`` or a new
    cursor. Rows go in key order (household, standard), so the unique index and the round-household index
    fill in order instead of at random."""
    ordered = frame.select(ASSESSMENT_COLUMNS).sort("household_id", "standard_id")
    insert_frame(Assessment._meta.db_table, ordered, cursor=cur)


def delete_assessments(round_id: int, household_ids: list[int] | None, cur: Any) -> None:
    """Delete the round's results (or those of ``household_ids``) before they are stored again."""
    sql, params = f"DELETE FROM {Assessment._meta.db_table} WHERE round_id = %s", [round_id]  # noqa: S608
    if household_ids is not None:
        sql += f" AND household_id IN ({', '.join(['%s'] * len(household_ids))})"
        params += list(household_ids)
    cur.execute(sql, params)


class Storer:
    """Runs the storing statements of a bulk assessment, in order. On PostgreSQL they run in one background
    thread on the transaction's own connection (psycopg's, which serialises its use), so that the server
    deletes the old results and moves the households while the engine computes; the caller touches the
    database again only after ``wait``. Elsewhere (SQLite: one connection per thread) they run at once."""

    def __init__(self) -> None:
        self.background = connection.vendor == "postgresql"
        connection.ensure_connection()
        self.raw = connection.connection  # psycopg's connection: Django's wrapper is per thread
        self.pool = ThreadPoolExecutor(max_workers=1) if self.background else None
        self.futures: list[Future[Any]] = []
        self.seconds: dict[str, float] = {}

    def _run(self, name: str, fn: Callable[..., Any], *args: Any) -> Any:
        import time

        started = time.perf_counter()
        if self.background:
            with self.raw.cursor() as cur:
                result = fn(*args, cur)
        else:
            with connection.cursor() as cur:
                result = fn(*args, cur)
        self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - started
        return result

    def submit(self, name: str, fn: Callable[..., Any], *args: Any) -> Future[Any]:
        if self.pool is None:
            done: Future[Any] = Future()
            done.set_result(self._run(name, fn, *args))
            return done
        future = self.pool.submit(self._run, name, fn, *args)
        self.futures.append(future)
        return future

    def abandon(self) -> None:
        """After an error in the caller: let the running statement end, drop the others (the transaction
        is rolled back by the caller's error)."""
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)

    def wait(self) -> None:
        """Wait for every statement (cancelling those not started if one failed) and raise its error."""
        if self.pool is None:
            return
        try:
            for future in self.futures:
                future.result()
        finally:
            self.pool.shutdown(wait=True, cancel_futures=True)
