"""The household and member frames (docs/frames.md): reading, type coercion and validation.

Every problem is reported at once, by column and by the ids / row numbers concerned, as a ``FrameError``;
nothing here raises a bare traceback for bad input. Valid frames come back with canonical types, members
sorted by household (the engine's sorted-segment reduction relies on it) and households sorted by id.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import polars as pl

from ansinh import registry_schema

Kind = Literal["int", "float", "str", "bool", "date"]
Frame = pl.DataFrame | pl.LazyFrame


@dataclass(frozen=True)
class Column:
    kind: Kind
    nullable: bool = False
    codes: Mapping[str, tuple[str, str]] | None = None
    required: bool = True


_KINDS: dict[str, Kind] = {"int": "int", "float": "float", "bool": "bool", "date": "date"}


def _column(attribute: registry_schema.Attribute) -> Column:
    kind = _KINDS.get(attribute.kind, "str")  # text, codes and ID numbers are text in a frame
    return Column(
        kind,
        nullable=attribute.frame in ("nullable", "optional"),
        codes=attribute.vocabulary,
        required=attribute.frame != "optional",
    )


# Derived from the schema of record (``ansinh.registry_schema``): the keys, then the attributes the frames carry.
HOUSEHOLD_COLUMNS: dict[str, Column] = {
    registry_schema.HOUSEHOLD_KEY: Column("int"),
    **{a.name: _column(a) for a in registry_schema.in_frames(registry_schema.HOUSEHOLD)},
}

MEMBER_COLUMNS: dict[str, Column] = {
    registry_schema.MEMBER_KEY: Column("int"),
    registry_schema.HOUSEHOLD_KEY: Column("int"),
    **{a.name: _column(a) for a in registry_schema.in_frames(registry_schema.MEMBER)},
}

DTYPES: dict[Kind, pl.DataType] = {
    "int": pl.Int64(),
    "float": pl.Float64(),
    "str": pl.String(),
    "bool": pl.Boolean(),
    "date": pl.Date(),
}
MAX_LISTED = 10
PARQUET_SUFFIXES = {".parquet", ".pq"}
TRUE_TEXT = ["true", "t", "1", "yes", "y", "có"]
FALSE_TEXT = ["false", "f", "0", "no", "n", "không"]


class FrameError(ValueError):
    """Input frames that break the contract of docs/frames.md; ``problems`` lists every finding."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        super().__init__("invalid input:\n  - " + "\n  - ".join(self.problems))


def _listing(values: Sequence[object], total: int) -> str:
    shown = ", ".join(str(v) for v in values[:MAX_LISTED])
    more = f" and {total - MAX_LISTED} more" if total > MAX_LISTED else ""
    return f"{shown}{more}"


def read_frame(path: str | Path) -> pl.LazyFrame:
    """Scan a Parquet or CSV file lazily (only the contract's columns are read later); CSV columns stay text
    and are typed by ``validate_frames``."""
    path = Path(path)
    if not path.is_file():
        raise FrameError([f"{path}: no such file"])
    try:
        if path.suffix.lower() in PARQUET_SUFFIXES:
            lazy = pl.scan_parquet(path)
        elif path.suffix.lower() in {".csv", ".txt"}:
            lazy = pl.scan_csv(path, infer_schema=False)
        else:
            raise FrameError([f"{path}: unknown format (use .parquet or .csv)"])
        lazy.collect_schema()
    except (pl.exceptions.PolarsError, OSError) as exc:
        raise FrameError([f"{path}: cannot be read ({exc.__class__.__name__}: {str(exc)[:200]})"]) from None
    return lazy


def coded_as_enums(frame: pl.DataFrame, columns: Mapping[str, Column]) -> pl.DataFrame:
    """``frame`` with its coded text columns as the engine's Enums, as ``ansinh seed --format parquet`` stores
    them: Parquet keeps an Enum as a dictionary of its codes (readable as text by any tool), and the engine
    reads it back as is, with no code to look up per row. Fails (strictly) on a value that is not a code."""
    return frame.with_columns(
        pl.col(name).cast(_target(col))
        for name, col in columns.items()
        if col.codes is not None and name in frame.columns and frame.schema[name] != _target(col)
    )


def _target(col: Column) -> pl.DataType:
    # Coded columns become Enums: 1 byte per value instead of a string, and validated by construction.
    return pl.Enum(list(col.codes)) if col.codes is not None else DTYPES[col.kind]


def _convert(
    dtype: pl.DataType, name: str, col: Column, table: str, problems: list[str]
) -> tuple[pl.Expr, pl.Expr | None]:
    """The typed column and, for text input, a mask of the values that cannot be read (or None)."""
    source = pl.col(name)
    if dtype == pl.Null:
        return pl.lit(None, dtype=_target(col)), None
    if col.codes is not None and isinstance(dtype, pl.Enum) and set(dtype.categories) <= set(col.codes):
        return source, None  # already coded (a frame validated before)
    if col.kind == "str":
        # Codes are checked (and cast to an Enum) by the caller; no per-value string work here.
        return source.cast(pl.String) if dtype != pl.String else source, None
    if dtype in (pl.String, pl.Categorical) or isinstance(dtype, pl.Enum):
        text = source.cast(pl.String).str.strip_chars()
        text = pl.when(text == "").then(None).otherwise(text)
        if col.kind == "int":
            parsed = text.cast(pl.Int64, strict=False)
        elif col.kind == "float":
            parsed = text.cast(pl.Float64, strict=False)
        elif col.kind == "bool":
            low = text.str.to_lowercase()
            parsed = pl.when(low.is_in(TRUE_TEXT)).then(True).when(low.is_in(FALSE_TEXT)).then(False)
        else:
            parsed = text.str.to_date("%Y-%m-%d", strict=False)
        return parsed, text.is_not_null() & parsed.is_null()
    ok = {
        "int": dtype.is_integer(),
        "float": dtype.is_numeric(),
        "bool": dtype == pl.Boolean,
        "date": dtype == pl.Date or isinstance(dtype, pl.Datetime),
    }[col.kind]
    if not ok:
        problems.append(f"{table}.{name}: has type {dtype}, expected {col.kind}")
    if col.kind == "date" and dtype != pl.Date:
        return source.dt.date(), None
    return source.cast(DTYPES[col.kind], strict=False), None


def _typed(
    frame: Frame, columns: Mapping[str, Column], table: str, key: str, problems: list[str], optional: bool = True
) -> pl.DataFrame:
    """Type one frame in two passes over the needed columns only: counts of every problem (an aggregate,
    cheap), then, if all is well, the typed frame; rows are listed only for the problems found."""
    lazy = frame.lazy()
    schema = lazy.collect_schema()
    missing = [n for n, c in columns.items() if c.required and n not in schema]
    if missing:
        problems.append(f"{table}: missing column(s) {', '.join(missing)}")
        return pl.DataFrame()
    if not optional:
        columns = {n: c for n, c in columns.items() if c.required}
    lazy = lazy.select([n for n in columns if n in schema])
    typed: dict[str, pl.Expr] = {}
    checks: list[tuple[str, str, pl.Expr, pl.Expr]] = []  # (column, message, mask, shown value)
    for name, col in columns.items():
        if name not in schema:
            typed[name] = pl.lit(None, dtype=_target(col))
            continue
        before = len(problems)
        value, unreadable = _convert(schema[name], name, col, table, problems)
        if len(problems) > before:
            continue
        if unreadable is not None:
            checks.append((name, f"expected {col.kind}, {{n}} value(s) cannot be read", unreadable, pl.col(name)))
        if col.required and not col.nullable:
            empty = value.is_null() if unreadable is None else value.is_null() & ~unreadable
            checks.append((name, "{n} empty value(s)", empty, pl.col(name)))
        if col.codes is not None:
            coded = value.cast(_target(col), strict=False)
            checks.append(
                (
                    name,
                    f"{{n}} value(s) not a code of {name} ({', '.join(col.codes)})",
                    value.is_not_null() & coded.is_null(),
                    pl.col(name),
                )
            )
            value = coded
        typed[name] = value.alias(name)
    if problems:
        return pl.DataFrame()
    if checks:
        counts = (
            lazy.select([mask.sum().alias(str(i)) for i, (_, _, mask, _) in enumerate(checks)])
            .collect(engine="streaming")
            .row(0)
        )
        for (name, message, mask, shown), count in zip(checks, counts, strict=True):
            if not count:
                continue
            bad = (
                lazy.with_row_index("_row", offset=1)
                .filter(mask)
                .select(pl.col(key).cast(pl.String), "_row", shown.cast(pl.String).alias("_value"))
                .head(MAX_LISTED)
                .collect()
            )
            examples = [
                f"row {r} ({key} {k})" + (f": {v!r}" if v is not None else "")
                for k, r, v in bad.select(key, "_row", "_value").rows()
            ]
            problems.append(f"{table}.{name}: {message.format(n=count)}: " + _listing(examples, int(count)))
    if problems:
        return pl.DataFrame()
    if isinstance(frame, pl.DataFrame) and all(
        name in schema and schema[name] == _target(col) for name, col in columns.items()
    ):
        return frame.select(list(columns))  # already typed: the same buffers, no copy
    return lazy.select([expr.alias(name) for name, expr in typed.items()]).collect(engine="streaming")


def validate_frames(
    households: Frame, members: Frame, on: dt.date | None = None, *, optional: bool = True
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Check both frames against docs/frames.md and return them typed and sorted.

    Raises ``FrameError`` naming columns and rows: missing columns, values of the wrong type or outside the
    vocabulary, empty required values, duplicate ids, members without a household, households without
    members and (given ``on``) members born after the assessment date. ``optional=False`` leaves out the
    columns the classification does not need (names, codes), which saves memory on a whole city.
    """
    problems: list[str] = []
    hh = _typed(households, HOUSEHOLD_COLUMNS, "households", "household_id", problems, optional)
    mm = _typed(members, MEMBER_COLUMNS, "members", "member_id", problems, optional)
    if problems:
        raise FrameError(problems)
    for table, df, key in (("households", hh, "household_id"), ("members", mm, "member_id")):
        ids = df.get_column(key)
        # Sorted ids (the usual case) show duplicates as zero steps, without a hash table.
        dupes = (ids.filter(ids.diff() == 0) if ids.is_sorted() else ids.filter(ids.is_duplicated())).unique().sort()
        if dupes.len():
            problems.append(f"{table}: duplicate {key} " + _listing(dupes.to_list(), dupes.len()))
    if not hh.get_column("household_id").is_sorted():
        hh = hh.sort("household_id")
    if not mm.get_column("household_id").is_sorted():
        mm = mm.sort("household_id", "member_id", maintain_order=True)
    # Fast path without hashing: the segment starts of the sorted members equal the households' ids.
    hid = mm.get_column("household_id")
    starts = hid.filter(hid.diff().fill_null(1) != 0)
    same = starts.len() == hh.height and starts.equals(hh.get_column("household_id"))
    if not same:
        orphans = mm.join(hh.select("household_id"), on="household_id", how="anti")
        if orphans.height:
            pairs = orphans.select("member_id", "household_id").rows()
            examples = [f"member_id {m} (household_id {h})" for m, h in pairs]
            problems.append(
                f"members without a household: {orphans.height} member(s): " + _listing(examples, orphans.height)
            )
        empty = hh.join(mm.select("household_id").unique(), on="household_id", how="anti")["household_id"]
        if empty.len():
            problems.append(
                f"households without members: {empty.len()} household(s): household_id "
                + _listing(empty.to_list(), empty.len())
            )
    if on is not None:
        unborn = mm.filter(pl.col("date_of_birth") > on)
        if unborn.height:
            problems.append(
                f"members.date_of_birth after the assessment date {on.isoformat()}: member_id "
                + _listing(unborn["member_id"].to_list(), unborn.height)
            )
    if problems:
        raise FrameError(problems)
    return hh, mm
