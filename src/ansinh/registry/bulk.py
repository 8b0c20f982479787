"""Set-based writes of whole populations into the registry tables, through ``ansinh.dbframes`` (COPY on
PostgreSQL, executemany on SQLite).

Used by ``ansinh seed``: rows go straight to the table, so no ``save()``, no signals and no per-row query.
The caller runs them inside a transaction, assigns primary keys in the frame (``next_ids``) so that child
rows can point at their parents without a round trip, and calls ``reset_sequences`` afterwards. Audit: the
caller records one event for the whole write.
"""

from __future__ import annotations

import contextlib
import datetime
from collections.abc import Iterable, Iterator, Sequence

import polars as pl
from django.core.management.color import no_style
from django.db import connections, models
from django.db.models import Max

from ansinh.dbframes import insert_model_frame
from ansinh.registry.models import Household, HouseholdEvent, Member, Membership


def next_ids(models_: Iterable[type[models.Model]], *, using: str = "default") -> dict[type[models.Model], int]:
    """The first free primary key of each model (one past the current maximum)."""
    return {model: int(model._default_manager.using(using).aggregate(m=Max("pk"))["m"] or 0) + 1 for model in models_}


def reset_sequences(models_: Sequence[type[models.Model]], *, using: str = "default") -> None:
    """Move PostgreSQL's id sequences past the ids a bulk insert chose (SQLite keeps up by itself)."""
    connection = connections[using]
    statements = connection.ops.sequence_reset_sql(no_style(), list(models_))
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


def lock_tables(models_: Sequence[type[models.Model]], *, using: str = "default") -> None:
    """Keep other writers out of the tables until the transaction ends (PostgreSQL; SQLite locks the file)."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        tables = ", ".join(qn(m._meta.db_table) for m in models_)
        cursor.execute(f"LOCK TABLE {tables} IN SHARE ROW EXCLUSIVE MODE")


def analyze(models_: Sequence[type[models.Model]], *, using: str = "default") -> None:
    """Refresh the planner's statistics of the tables a bulk write filled. Without them PostgreSQL guesses (a
    name fragment found in 7,800 members estimated at 14) and picks plans four times slower until autovacuum
    comes round, which may be never where it is turned off; SQLite keeps none until asked."""
    connection = connections[using]
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE " + ", ".join(qn(m._meta.db_table) for m in models_))
        else:
            for m in models_:
                cursor.execute(f"ANALYZE {qn(m._meta.db_table)}")


POPULATION_MODELS: tuple[type[models.Model], ...] = (Household, Member, Membership, HouseholdEvent)


def insert_population(
    households: pl.DataFrame,
    members: pl.DataFrame,
    *,
    first_membership_id: int,
    first_event_id: int,
    recorded_at: datetime.datetime,
    recorded_by_id: int | None = None,
    using: str = "default",
) -> dict[str, int]:
    """Write household and member frames (docs/frames.md plus registry columns) as registered households.

    Each member gets a membership from the household's registration date (``registered_on``), or from
    birth when born later; each household a ``registered`` event. Returns the rows written per table.
    """
    stamp = pl.lit(recorded_at, dtype=pl.Datetime("us", "UTC"))
    household_rows = households.select(
        pl.col("household_id").alias("id"),
        "code",
        pl.col("ward_code").alias("ward_id"),
        *[
            c
            for c in households.columns
            if c not in ("household_id", "code", "ward_code", "registered_on") and not c.startswith("_")
        ],
        pl.lit(1, dtype=pl.Int64).alias("version"),
        stamp.alias("created_at"),
        stamp.alias("updated_at"),
    )
    member_rows = members.select(
        pl.col("member_id").alias("id"),
        *[c for c in members.columns if c != "member_id" and not c.startswith("_")],
        pl.lit(1, dtype=pl.Int64).alias("version"),
        stamp.alias("created_at"),
        stamp.alias("updated_at"),
    )
    born_here = pl.col("date_of_birth") > pl.col("registered_on")
    membership_rows = (
        members.select("member_id", "household_id", "date_of_birth")
        .join(households.select("household_id", "registered_on"), on="household_id", how="left")
        .select(
            (pl.int_range(pl.len(), dtype=pl.Int64) + first_membership_id).alias("id"),
            "member_id",
            "household_id",
            pl.when(born_here).then(pl.col("date_of_birth")).otherwise(pl.col("registered_on")).alias("start"),
            pl.lit(None, dtype=pl.Date).alias("end"),
            pl.when(born_here).then(pl.lit("birth")).otherwise(pl.lit("registered")).alias("start_reason"),
            pl.lit("").alias("end_reason"),
        )
    )
    event_rows = households.select(
        (pl.int_range(pl.len(), dtype=pl.Int64) + first_event_id).alias("id"),
        "household_id",
        pl.lit("registered").alias("kind"),
        pl.col("registered_on").alias("date"),
        pl.lit("").alias("note"),
        stamp.alias("recorded_at"),
        pl.lit(recorded_by_id, dtype=pl.Int64).alias("recorded_by_id"),
    )
    return {
        "households": insert_model_frame(Household, household_rows, using=using),
        "members": insert_model_frame(Member, member_rows, using=using),
        "memberships": insert_model_frame(Membership, membership_rows, using=using),
        "events": insert_model_frame(HouseholdEvent, event_rows, using=using),
    }


@contextlib.contextmanager
def indexes_deferred(models_: Sequence[type[models.Model]], *, using: str = "default") -> Iterator[None]:
    """Drop the tables' secondary indexes, unique and foreign-key constraints, and rebuild them on exit.

    PostgreSQL only, inside the caller's transaction (an error rolls the drop back too). Building an
    index once over a loaded table is far cheaper than maintaining it row by row during a large COPY;
    the constraints are checked again when they are re-added, so nothing invalid can be committed.
    Worth it when the load is at least as large as what the tables already hold.
    """
    connection = connections[using]
    if connection.vendor != "postgresql":
        yield
        return
    tables = [m._meta.db_table for m in models_]
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid), c.contype
            FROM pg_constraint c
            WHERE c.conrelid = ANY(%s::regclass[]) AND c.contype IN ('u', 'f')
            ORDER BY c.contype DESC, c.conname
            """,
            [tables],
        )
        constraints = cursor.fetchall()  # unique first, so foreign keys find them when re-added
        cursor.execute(
            """
            SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
            FROM pg_index i
            WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisprimary
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
            """,
            [tables],
        )
        indexes = cursor.fetchall()
        qn = connection.ops.quote_name
        for table, name, _definition, _kind in sorted(constraints, key=lambda c: c[3] != "f"):  # foreign keys first
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {qn(name)}")
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {name}")
    yield
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for _name, definition in indexes:
            cursor.execute(definition)
        for table, name, definition, _kind in constraints:
            cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {qn(name)} {definition}")
