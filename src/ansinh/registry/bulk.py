"""Set-based writes of whole frames into the registry tables: COPY on PostgreSQL, executemany on SQLite.

Used by ``ansinh seed`` and meant for imports: rows go straight to the table, so no ``save()``, no
signals and no per-row query. The caller runs them inside a transaction, assigns primary keys in the
frame (``next_ids``) so that child rows can point at their parents without a round trip, and calls
``reset_sequences`` afterwards. Audit: the caller records one event for the whole write.
"""

from __future__ import annotations

import contextlib
import datetime
import io
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import polars as pl
from django.core.management.color import no_style
from django.db import connections, models
from django.db.models import Max

from ansinh.registry.models import Household, HouseholdEvent, Member, Membership

COPY_ROWS = 200_000
EXECUTEMANY_ROWS = 20_000


def _db_columns(model: type[models.Model], names: Sequence[str]) -> list[models.Field[Any, Any]]:
    fields = []
    for name in names:
        field = model._meta.get_field(name)  # accepts a field name or its attname (``household_id``)
        if not isinstance(field, models.Field) or not field.concrete:
            raise ValueError(f"{model.__name__}.{name} is not a column")
        fields.append(field)
    return fields


def _prepare(frame: pl.DataFrame, fields: Sequence[models.Field[Any, Any]], names: Sequence[str]) -> pl.DataFrame:
    """Select the columns; a null in a NOT NULL text column becomes ``""`` (Django's empty value)."""
    exprs = []
    for name, field in zip(names, fields, strict=True):
        expr = pl.col(name)
        if not field.null and isinstance(field, models.CharField | models.TextField):
            expr = expr.fill_null("")
        exprs.append(expr)
    return frame.select(exprs)


def _sqlite_values(frame: pl.DataFrame) -> pl.DataFrame:
    """Values as Django stores them in SQLite: ISO dates, naive UTC datetimes, booleans as 0/1."""
    exprs = []
    for name, dtype in frame.schema.items():
        col = pl.col(name)
        if dtype == pl.Boolean:
            col = col.cast(pl.Int8)
        elif dtype == pl.Date:
            col = col.dt.strftime("%Y-%m-%d")
        elif isinstance(dtype, pl.Datetime):
            if dtype.time_zone is not None:
                col = col.dt.convert_time_zone("UTC")
            col = col.dt.strftime("%Y-%m-%d %H:%M:%S.%6f")
        exprs.append(col)
    return frame.select(exprs)


def bulk_insert_frame(
    model: type[models.Model],
    frame: pl.DataFrame,
    columns: Sequence[str] | None = None,
    *,
    using: str = "default",
) -> int:
    """Insert every row of ``frame`` into ``model``'s table; returns the number of rows.

    ``columns`` names model fields (``ward`` or ``ward_id``) that are also frame columns; by default
    all the frame's columns. Other NOT NULL fields get their model default. Give the primary key
    (``id``) to fix the ids, then call ``reset_sequences``. ``auto_now`` timestamps are not filled:
    pass them as columns.
    """
    names = list(columns or frame.columns)
    if frame.height == 0:
        return 0
    fields = _db_columns(model, names)
    data = _prepare(frame, fields, names)
    given = {f.column for f in fields}
    for field in model._meta.concrete_fields:
        if field.column not in given and not field.primary_key and not field.null and field.has_default():
            data = data.with_columns(pl.lit(field.get_default()).alias(field.attname))
            fields.append(field)
    connection = connections[using]
    qn = connection.ops.quote_name
    table = qn(model._meta.db_table)
    column_sql = ", ".join(qn(str(f.column)) for f in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # CSV: an unquoted empty field is NULL, a quoted one ("") an empty string, as Polars writes them.
            sql = f"COPY {table} ({column_sql}) FROM STDIN WITH (FORMAT csv)"
            with cursor.cursor.copy(sql) as copy:
                for offset in range(0, data.height, COPY_ROWS):
                    buffer = io.BytesIO()
                    data.slice(offset, COPY_ROWS).write_csv(buffer, include_header=False)
                    copy.write(buffer.getvalue())
        else:
            placeholders = ", ".join(["%s"] * len(fields))
            sql = f"INSERT INTO {table} ({column_sql}) VALUES ({placeholders})"  # noqa: S608 (quoted identifiers)
            values = _sqlite_values(data)
            for offset in range(0, values.height, EXECUTEMANY_ROWS):
                cursor.executemany(sql, values.slice(offset, EXECUTEMANY_ROWS).rows())
    return frame.height


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
        "households": bulk_insert_frame(Household, household_rows, using=using),
        "members": bulk_insert_frame(Member, member_rows, using=using),
        "memberships": bulk_insert_frame(Membership, membership_rows, using=using),
        "events": bulk_insert_frame(HouseholdEvent, event_rows, using=using),
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
