"""Reading a Parquet extract straight into the engine's types, with the codes checked on the file's dictionaries.

A city's members file has about 3.5 rows per household and seven coded text columns. Read as text, every value
is decoded into a string and then looked up in its code list: most of the time of an assessment. Parquet
writers store such columns dictionary-encoded (each row group holds the distinct values once and a small
integer per row), so this reader asks pyarrow for the dictionaries as they are, checks the few distinct
values of each row group against the code list (exactly: a value that is not a code is found, whatever its
frequency), and maps the integers to Enum codes with one table lookup per row. The other columns are read by
Polars at the same time, on another thread.

``read_parquet_frame`` returns None whenever the file is not in the shape it handles (a column missing or of
another type, a value outside its code list…); the caller then reads the file the general way
(``read_frame`` + ``validate_frames``), which reports every problem by row and column.
"""

from __future__ import annotations

from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import polars as pl

from ansinh.engine.frames import Column

PARQUET_SUFFIXES = {".parquet", ".pq"}


def is_parquet(path: object) -> bool:
    return isinstance(path, str | Path) and Path(path).suffix.lower() in PARQUET_SUFFIXES and Path(path).is_file()


def _type_ok(arrow_type: Any, col: Column) -> bool:
    import pyarrow as pa

    if col.codes is not None or col.kind == "str":
        if pa.types.is_dictionary(arrow_type):
            arrow_type = arrow_type.value_type
        return bool(pa.types.is_string(arrow_type) or pa.types.is_large_string(arrow_type)
                    or pa.types.is_string_view(arrow_type))
    return bool({
        "int": pa.types.is_integer,
        "float": lambda t: pa.types.is_integer(t) or pa.types.is_floating(t),
        "bool": pa.types.is_boolean,
        "date": pa.types.is_date32,
    }[col.kind](arrow_type))


def _coded(table: Any, name: str, codes: tuple[str, ...]) -> pl.Series | None:
    """One dictionary-encoded column as an Enum of ``codes``; None if a value is not a code."""
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
        chunks.append(pc.take(pa.array(lookup, pa.uint8()), chunk.indices))
    physical = pl.from_arrow(pa.chunked_array(chunks, pa.uint8()))
    assert isinstance(physical, pl.Series)
    return physical.cat.to(pl.Enum(list(codes))).alias(name)


def _plan(path: str | Path, columns: Mapping[str, Column]) -> tuple[list[str], list[str]] | None:
    """(plain, coded) required columns of the file, or None if one is missing or of another type."""
    import pyarrow.parquet as pq

    try:
        schema = pq.read_schema(path)
    except Exception:  # unreadable: the general route reads it again and explains the problem
        return None
    wanted = [name for name, col in columns.items() if col.required]
    names = set(schema.names)
    if any(name not in names or not _type_ok(schema.field(name).type, columns[name]) for name in wanted):
        return None
    coded = [name for name in wanted if columns[name].codes is not None]
    return [name for name in wanted if name not in coded], coded


def read_parquet_frames(
    households: str | Path, members: str | Path, household_columns: Mapping[str, Column],
    member_columns: Mapping[str, Column],
) -> tuple[pl.DataFrame | None, pl.DataFrame | None]:
    """Both tables' required columns, typed as docs/frames.md says (codes as Enums); None for a table that
    needs the general route. The four reads (plain and coded columns of each table) run concurrently."""
    import pyarrow.parquet as pq

    plans = [(path, columns, _plan(path, columns)) for path, columns in
             ((households, household_columns), (members, member_columns))]
    with ThreadPoolExecutor(4) as pool:
        started = [
            (columns, plan, pool.submit(pl.read_parquet, path, columns=plan[0]),
             pool.submit(pq.read_table, path, columns=plan[1], read_dictionary=plan[1]))
            if plan is not None else None
            for path, columns, plan in plans
        ]
        frames: list[pl.DataFrame | None] = []
        for item in started:
            if item is None:
                frames.append(None)
                continue
            columns, (plain, coded), plain_future, coded_future = item
            table = coded_future.result()
            series = []
            for name in coded:
                codes = columns[name].codes
                assert codes is not None
                one = _coded(table, name, tuple(codes))
                if one is None:
                    break
                series.append(one)
            del table
            if len(series) != len(coded):
                frames.append(None)
                continue
            frame = plain_future.result().with_columns(series)
            wanted = set(plain) | set(coded)
            frames.append(frame.select([name for name in columns if name in wanted]))
    return frames[0], frames[1]
