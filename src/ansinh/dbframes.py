"""Frames in and out of the database in bulk: the one module every bulk path uses.

ADR 0001's rule is "one query out, one COPY / bulk insert back, never row by row"; this module is how:

* ``read_frame``: one query out into a typed Polars frame: ``COPY (query) TO STDOUT`` on PostgreSQL, batched
  fetches elsewhere; ``read_frame_in`` the same for a query over a list of keys (one array parameter on
  PostgreSQL, lists of placeholders on SQLite).
* ``insert_frame``: every row of a frame into a table: ``COPY FROM STDIN`` on PostgreSQL, ``executemany`` in
  batches elsewhere, values written as Django stores them; ``insert_model_frame`` the same for a model's
  table, filling the NOT NULL fields the frame leaves out with their defaults.

Nothing here commits: the caller holds the transaction, chooses the ids, and records one audit event for the
whole write (no ``save()``, no signals, no per-row query). It knows Django's connections and no domain app.

One chunk-size policy, for every path: ``COPY_ROWS`` rows are serialised per COPY block (memory stays bounded
whatever the frame's size), ``BATCH_ROWS`` rows go per ``executemany`` or ``fetchmany`` round trip, and
``KEYS_PER_QUERY`` keys per ``IN`` list on SQLite (far below its limit of 32,766 variables).
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Sequence
from typing import Any

import polars as pl
from django.db import connections, models

COPY_ROWS = 100_000
# A bulk write of at least this many rows refreshes the table's planner statistics (PostgreSQL) in the same
# transaction: without them the next query of the same job plans for the empty table it saw before (a payroll
# of one ward walked every decision of the city, 40 s a ward at 4,000,000 households) until autovacuum comes
# round, which may be never where it is turned off.
ANALYZE_AFTER_ROWS = 50_000
BATCH_ROWS = 20_000
KEYS_PER_QUERY = 5_000


# --- out of the database ---------------------------------------------------------------------------------


def copy_out(cursor: Any, copy_sql: str) -> bytes:
    """All the rows of ``COPY ... TO STDOUT`` (PostgreSQL). psycopg hands them over one message (one row) at a
    time through a generator, about 1.5 µs of Python per row; inside a transaction this asks libpq for them
    directly (its documented low-level API, under the connection's lock), a third of that."""
    from psycopg import errors, pq

    raw = getattr(cursor, "cursor", cursor)  # Django's cursor wraps psycopg's
    conn = raw.connection
    if conn.pgconn.transaction_status != pq.TransactionStatus.INTRANS:  # psycopg may have to open one first
        out = io.BytesIO()
        with raw.copy(copy_sql) as copy:
            for block in copy:
                out.write(block)
        return out.getvalue()
    with conn.lock:
        pg = conn.pgconn
        pg.send_query(copy_sql.encode())
        results = [pg.get_result()]
        data = bytearray()
        if results[0] is not None and results[0].status == pq.ExecStatus.COPY_OUT:
            while (row := pg.get_copy_data(0))[0] > 0:
                data += row[1]
            results = [pg.get_result()]
        while (more := pg.get_result()) is not None:  # leave the connection ready for the next command
            results.append(more)
    for result in results:
        if result is None or result.status != pq.ExecStatus.COMMAND_OK:
            raise (
                errors.error_from_result(result, encoding=conn.info.encoding)
                if result is not None
                else (errors.OperationalError(pg.get_error_message()))
            )
    return bytes(data)


def _typed(frame: pl.DataFrame, schema: dict[str, Any]) -> pl.DataFrame:
    """Rows fetched through the DB-API as ``schema`` says (SQLite returns dates as text)."""
    return frame.with_columns(
        pl.col(k).str.to_date("%Y-%m-%d") if v == pl.Date and frame.schema[k] == pl.String else pl.col(k).cast(v)
        for k, v in schema.items()
    )


def _fetched(cursor: Any, schema: dict[str, Any], parts: list[pl.DataFrame]) -> None:
    while rows := cursor.fetchmany(BATCH_ROWS):
        parts.append(pl.DataFrame(rows, schema=list(schema), orient="row", infer_schema_length=None))


def read_frame(sql: str, params: Sequence[Any], schema: dict[str, Any], *, using: str = "default") -> pl.DataFrame:
    """Run ``sql`` (its columns named and ordered as ``schema``) and return a frame of ``schema``'s types:
    COPY on PostgreSQL, batched fetches elsewhere."""
    connection = connections[using]
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            inner = cur.mogrify(sql, params) if params else sql
            buf = io.BytesIO(copy_out(cur, f"COPY ({inner}) TO STDOUT WITH (FORMAT csv, HEADER true)"))
        if buf.getbuffer().nbytes == 0:
            return pl.DataFrame(schema=schema)
        text_schema = {k: (pl.String if v in (pl.Boolean, pl.Date) else v) for k, v in schema.items()}
        frame = pl.read_csv(buf, schema=text_schema)
        return frame.with_columns(
            *[(pl.col(k) == "t").alias(k) for k, v in schema.items() if v == pl.Boolean],
            *[pl.col(k).str.to_date("%Y-%m-%d") for k, v in schema.items() if v == pl.Date],
        )
    parts: list[pl.DataFrame] = []
    with connection.cursor() as cur:
        cur.execute(sql, params)
        _fetched(cur, schema, parts)
    if not parts:
        return pl.DataFrame(schema=schema)
    return _typed(pl.concat(parts, how="vertical_relaxed"), schema)


def read_values(queryset: Any, schema: dict[str, Any], *, using: str = "default") -> pl.DataFrame:
    """The rows of a ``values_list`` queryset as a frame whose columns are ``schema``'s, by position: Django
    names annotated and related columns as it likes, so on PostgreSQL the query is wrapped with a column list
    (``SELECT * FROM (…) AS q(a, b, …)``) before the COPY."""
    sql, params = queryset.query.sql_with_params()
    connection = connections[using]
    if connection.vendor == "postgresql":
        names = ", ".join(connection.ops.quote_name(name) for name in schema)
        sql = f"SELECT * FROM ({sql}) AS q({names})"  # noqa: S608 - Django's own SQL, quoted column names
    return read_frame(sql, params, schema, using=using)


def read_frame_in(sql: str, keys: Sequence[Any], schema: dict[str, Any], *, using: str = "default") -> pl.DataFrame:
    """Run ``sql``, which has one ``IN (%s)`` list, over ``keys``: one array parameter on PostgreSQL, lists of
    ``KEYS_PER_QUERY`` placeholders on SQLite. No keys, no rows."""
    connection = connections[using]
    keys = list(keys)
    if connection.vendor == "postgresql":
        batches = [(sql.replace("IN (%s)", "= ANY(%s)"), [keys])] if keys else []
    else:
        batches = [
            (sql.replace("(%s)", "(" + ", ".join(["%s"] * len(part)) + ")"), part)
            for part in (keys[i : i + KEYS_PER_QUERY] for i in range(0, len(keys), KEYS_PER_QUERY))
        ]
    parts: list[pl.DataFrame] = []
    with connection.cursor() as cur:
        for statement, params in batches:
            cur.execute(statement, params)
            _fetched(cur, schema, parts)
    if not parts:
        return pl.DataFrame(schema=schema)
    return _typed(pl.concat(parts, how="vertical_relaxed"), schema)


# --- into the database -----------------------------------------------------------------------------------


def sqlite_values(frame: pl.DataFrame) -> pl.DataFrame:
    """Values as Django stores them in SQLite: booleans as 0/1, ISO dates, naive UTC datetimes."""
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


def insert_frame(table: str, frame: pl.DataFrame, *, cursor: Any = None, using: str = "default") -> int:
    """Insert every row of ``frame`` into ``table`` (its columns named as the frame's); returns the rows.

    PostgreSQL: one ``COPY FROM STDIN`` in CSV, where an unquoted empty field is NULL and a quoted one (``""``,
    as Polars writes an empty text) an empty string. Elsewhere: ``executemany`` in batches. ``cursor``: a
    cursor to use (Django's, or psycopg's own when the caller runs on another thread), else a new one."""
    if frame.height == 0:
        return 0
    connection = connections[using]
    qn = connection.ops.quote_name
    column_sql = ", ".join(qn(c) for c in frame.columns)
    target = qn(table)
    with connection.cursor() if cursor is None else contextlib.nullcontext(cursor) as cur:
        if connection.vendor == "postgresql":
            raw = getattr(cur, "cursor", cur)  # Django's cursor wraps psycopg's, which has copy()
            with raw.copy(f"COPY {target} ({column_sql}) FROM STDIN WITH (FORMAT csv)") as copy:
                for offset in range(0, frame.height, COPY_ROWS):
                    buffer = io.BytesIO()
                    frame.slice(offset, COPY_ROWS).write_csv(buffer, include_header=False)
                    copy.write(buffer.getvalue())
            if frame.height >= ANALYZE_AFTER_ROWS:
                cur.execute(f"ANALYZE {target}")
        else:
            placeholders = ", ".join(["%s"] * frame.width)
            sql = f"INSERT INTO {target} ({column_sql}) VALUES ({placeholders})"  # noqa: S608 (quoted identifiers)
            values = sqlite_values(frame)
            for offset in range(0, values.height, BATCH_ROWS):
                cur.executemany(sql, values.slice(offset, BATCH_ROWS).rows())
    return frame.height


def _model_fields(model: type[models.Model], names: Sequence[str]) -> list[models.Field[Any, Any]]:
    fields = []
    for name in names:
        field = model._meta.get_field(name)  # accepts a field name or its attname (``household_id``)
        if not isinstance(field, models.Field) or not field.concrete:
            raise ValueError(f"{model.__name__}.{name} is not a column")
        fields.append(field)
    return fields


def insert_model_frame(
    model: type[models.Model],
    frame: pl.DataFrame,
    columns: Sequence[str] | None = None,
    *,
    using: str = "default",
) -> int:
    """Insert every row of ``frame`` into ``model``'s table; returns the number of rows.

    ``columns`` names model fields (``ward`` or ``ward_id``) that are also frame columns; by default all the
    frame's columns. A null in a NOT NULL text column becomes ``""`` (Django's empty value); the other NOT NULL
    fields get their model default. Give the primary key (``id``) to fix the ids, then reset the sequences.
    ``auto_now`` timestamps are not filled: pass them as columns."""
    names = list(columns or frame.columns)
    if frame.height == 0:
        return 0
    fields = _model_fields(model, names)
    data = frame.select(
        pl.col(name).fill_null("")
        if not field.null and isinstance(field, models.CharField | models.TextField)
        else pl.col(name)
        for name, field in zip(names, fields, strict=True)
    )
    given = {f.column for f in fields}
    for field in model._meta.concrete_fields:
        if field.column not in given and not field.primary_key and not field.null and field.has_default():
            data = data.with_columns(pl.lit(field.get_default()).alias(field.attname))
            fields.append(field)
    data = data.rename({old: str(f.column) for old, f in zip(data.columns, fields, strict=True)})
    return insert_frame(model._meta.db_table, data, using=using)
