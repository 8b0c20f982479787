"""Reading a Parquet extract straight into the engine's types, with the codes checked on the file's dictionaries.

Coded columns stored as the engine's own Enums (what ``ansinh seed --format parquet`` writes) need nothing of
this module but ``file_columns`` and ``scan_typed``: Polars reads them as they are, and the engine streams the
files (``ansinh.engine.stream.run_files``). The rest is for coded columns stored as text.

A city's members file has about 3.5 rows per household and seven coded text columns. Read as text, every value
is decoded into a string and then looked up in its code list: most of the time of an assessment. Parquet
writers store such columns dictionary-encoded (each row group holds the distinct values once and a small
integer per row), so this reader asks pyarrow for the dictionaries as they are, checks the few distinct
values of each row group against the code list (exactly: a value that is not a code is found, whatever its
frequency), and maps the integers to Enum codes with one table lookup per row. The other columns are read by
Polars at the same time, on another thread.

``read_table`` (a whole table) and ``read_batch`` (whole row groups of the members, see ``member_batches``)
return None whenever the file is not in the shape they handle (a column missing or of another type, a value
outside its code list…); ``ansinh.engine.stream.run_files`` then declines and the file is read the general
way (``read_frame`` + ``validate_frames``), which reports every problem by row and column.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import polars as pl

from ansinh.engine.frames import PARQUET_SUFFIXES, Column

FrameT = TypeVar("FrameT", pl.DataFrame, pl.LazyFrame)


def is_parquet(path: object) -> bool:
    return isinstance(path, str | Path) and Path(path).suffix.lower() in PARQUET_SUFFIXES and Path(path).is_file()


@contextmanager
def arrow_pool() -> Iterator[None]:
    """pyarrow's buffers from its jemalloc pool while the engine reads (where the wheel has one).

    The dictionary indices are built by growing buffers on the reading threads and released later by Polars
    on other threads; pyarrow's default pool (mimalloc) then takes fresh pages for each batch, and a city's
    peak memory grows by about 100 MB. Buffers remember their pool, so restoring the default afterwards is
    safe for buffers still alive."""
    import pyarrow as pa

    previous = pa.default_memory_pool()
    try:
        pool = pa.jemalloc_memory_pool()
    except NotImplementedError:  # a build without jemalloc (Windows): the default pool
        yield
        return
    pa.set_memory_pool(pool)
    try:
        yield
    finally:
        pa.set_memory_pool(previous)


def _type_ok(arrow_type: Any, col: Column) -> bool:
    import pyarrow as pa

    if col.codes is not None or col.kind == "str":
        if pa.types.is_dictionary(arrow_type):
            arrow_type = arrow_type.value_type
        return bool(
            pa.types.is_string(arrow_type)
            or pa.types.is_large_string(arrow_type)
            or pa.types.is_string_view(arrow_type)
        )
    return bool(
        {
            "int": pa.types.is_integer,
            "float": lambda t: pa.types.is_integer(t) or pa.types.is_floating(t),
            "bool": pa.types.is_boolean,
            "date": pa.types.is_date32,
        }[col.kind](arrow_type)
    )


def _positions(table: Any, name: str, codes: tuple[str, ...]) -> pl.Series | None:
    """One dictionary-encoded column as the positions of its values in ``codes`` (UInt8, nulls kept); None if
    a value is not a code."""
    import pyarrow as pa
    import pyarrow.compute as pc

    position = {code: i for i, code in enumerate(codes)}
    chunks = []
    for chunk in table.column(name).chunks:
        lookup = []
        for value in chunk.dictionary.to_pylist():
            if value not in position:
                return None
            lookup.append(position[value])
        # take() keeps the nulls of the indices: an empty value stays empty (validate_frames reports it).
        # The table built from its bytes: pa.array() on a list would import pandas (30 MB) to inspect it.
        table_of_codes = pa.Array.from_buffers(pa.uint8(), len(lookup), [None, pa.py_buffer(bytes(lookup))])
        chunks.append(pc.take(table_of_codes, chunk.indices))
    physical = pl.from_arrow(pa.chunked_array(chunks, pa.uint8()))
    assert isinstance(physical, pl.Series)
    return physical.alias(name)


def file_columns(path: str | Path, columns: Mapping[str, Column]) -> tuple[list[str], list[str]] | None:
    """(plain, coded) required columns of a Parquet file: coded are the code columns stored as text (read
    through pyarrow's dictionaries), plain all others, Enums of the engine's codes included (Polars reads
    them as they are). None if a column is missing or of another type."""
    import pyarrow.parquet as pq

    try:
        schema = pq.read_schema(path)
    except Exception:  # unreadable: the general route reads it again and explains the problem
        return None
    wanted = [name for name, col in columns.items() if col.required]
    names = set(schema.names)
    if any(name not in names or not _type_ok(schema.field(name).type, columns[name]) for name in wanted):
        return None
    try:
        stored = pl.read_parquet_schema(path)
    except Exception:
        return None
    # Coded columns stored as the engine's own Enums (what ``ansinh seed`` writes) are read by Polars as they
    # are: their values are positions in the code list by construction.
    coded = [
        name
        for name in wanted
        if columns[name].codes is not None and stored.get(name) != pl.Enum(list(columns[name].codes or ()))
    ]
    return [name for name in wanted if name not in coded], coded


def read_table(path: str | Path, columns: Mapping[str, Column]) -> pl.DataFrame | None:
    """A whole table's required columns, typed as docs/frames.md says (codes as Enums), or None when the file
    needs the general route. Plain columns are read by Polars and coded ones by pyarrow, concurrently; the
    coded ones a few row groups at a time, so only small index buffers exist at once."""
    import pyarrow.parquet as pq

    plan = file_columns(path, columns)
    if plan is None:
        return None
    plain, coded = plan
    if not coded:  # codes stored as the engine's Enums: Polars reads the table alone
        return _canonical(pl.read_parquet(path, columns=plain), columns)

    def read_coded() -> list[pl.Series] | None:
        parquet = pq.ParquetFile(path, read_dictionary=coded)
        groups = list(range(parquet.metadata.num_row_groups))
        parts: dict[str, list[pl.Series]] = {name: [] for name in coded}
        for start in range(0, max(len(groups), 1), 8):
            table = parquet.read_row_groups(groups[start : start + 8], columns=coded, use_threads=False)
            for name in coded:
                one = _positions(table, name, tuple(columns[name].codes or ()))
                if one is None:
                    return None
                parts[name].append(one)
        return [pl.concat(parts[name]).cat.to(pl.Enum(list(columns[name].codes or ()))) for name in coded]

    with ThreadPoolExecutor(1) as pool:
        coded_future = pool.submit(read_coded)
        frame = pl.read_parquet(path, columns=plain)
        series = coded_future.result()
    if series is None:
        return None
    return _canonical(frame.with_columns(series), columns)


def scan_typed(path: str | Path, columns: Mapping[str, Column], names: list[str]) -> pl.LazyFrame:
    """A lazy scan of ``names`` (plain columns, see ``file_columns``) cast to the engine's types."""
    return _canonical(pl.scan_parquet(path).select(names), columns)


def _canonical(frame: FrameT, columns: Mapping[str, Column]) -> FrameT:
    """The engine's types (Int64, Float64) for a frame or a lazy frame; a value that does not fit becomes
    empty, which the checks catch (the general route then reports it by row)."""
    from ansinh.engine.frames import DTYPES

    schema = frame.collect_schema()
    casts = [
        pl.col(name).cast(DTYPES[col.kind], strict=False)
        for name, col in columns.items()
        if name in schema and col.codes is None and schema[name] != DTYPES[col.kind]
    ]
    frame = frame.with_columns(casts) if casts else frame
    return frame.select([name for name in columns if name in schema])


BATCH_ROWS = 1 << 20


@dataclass(frozen=True)
class Batch:
    """Whole row groups of a members file: ``rows`` rows from row ``offset``."""

    path: str | Path
    row_groups: tuple[int, ...]
    offset: int
    rows: int
    plain: tuple[str, ...]
    coded: tuple[str, ...]


def member_batches(path: str | Path, columns: Mapping[str, Column]) -> list[Batch] | None:
    """The members file cut into batches of whole row groups (about ``BATCH_ROWS`` rows, or one larger row
    group), to be read with ``read_batch``, possibly several at once; None if the file needs the general
    route (a column missing or of another type)."""
    import pyarrow.parquet as pq

    plan = file_columns(path, columns)
    if plan is None:
        return None
    plain, coded = plan
    metadata = pq.ParquetFile(path).metadata
    batches: list[Batch] = []
    groups: list[int] = []
    offset = rows = 0
    for i in range(metadata.num_row_groups):
        groups.append(i)
        rows += metadata.row_group(i).num_rows
        if rows >= BATCH_ROWS or i == metadata.num_row_groups - 1:
            batches.append(Batch(path, tuple(groups), offset, rows, tuple(plain), tuple(coded)))
            offset, groups, rows = offset + rows, [], 0
    return batches


def read_batch(batch: Batch, columns: Mapping[str, Column]) -> pl.DataFrame | None:
    """One batch typed as docs/frames.md says (codes as Enums, made in a lazy step so that the work runs off
    the GIL); None if a value is outside its codes. Polars reads the plain columns, pyarrow the coded ones
    (dictionary indices)."""
    import pyarrow.parquet as pq

    if not batch.coded:  # codes stored as the engine's Enums: Polars reads the batch alone
        return _canonical(
            pl.scan_parquet(batch.path).slice(batch.offset, batch.rows).select(list(batch.plain)).collect(), columns
        )
    table = pq.ParquetFile(batch.path, read_dictionary=list(batch.coded)).read_row_groups(
        list(batch.row_groups), columns=list(batch.coded), use_threads=False
    )
    physical = []
    for name in batch.coded:
        codes = columns[name].codes
        assert codes is not None
        one = _positions(table, name, tuple(codes))
        if one is None:
            return None
        physical.append(one)
    del table
    lazy = pl.scan_parquet(batch.path).slice(batch.offset, batch.rows).select(list(batch.plain))
    frame = (
        lazy.collect()
        .with_columns(physical)
        .lazy()
        .with_columns(pl.col(name).cat.to(pl.Enum(list(columns[name].codes or ()))) for name in batch.coded)
    )
    return _canonical(frame.collect(), columns)
