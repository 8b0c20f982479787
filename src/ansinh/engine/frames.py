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

from ansinh import vocab

Kind = Literal["int", "float", "str", "bool", "date"]
Frame = pl.DataFrame | pl.LazyFrame


@dataclass(frozen=True)
class Column:
    kind: Kind
    nullable: bool = False
    codes: Mapping[str, tuple[str, str]] | None = None
    required: bool = True


HOUSEHOLD_COLUMNS: dict[str, Column] = {
    "household_id": Column("int"),
    "code": Column("str", nullable=True, required=False),
    "ward_code": Column("str"),
    "area_type": Column("str", codes=vocab.AREA_TYPE),
    "floor_area_m2": Column("float"),
    "wall_durable": Column("bool"),
    "frame_durable": Column("bool"),
    "roof_durable": Column("bool"),
    "water_source": Column("str", codes=vocab.WATER_SOURCE),
    "toilet_type": Column("str", codes=vocab.TOILET_TYPE),
    "uses_telecom": Column("bool"),
    "uses_internet": Column("bool"),
    "has_tv": Column("bool"),
    "has_radio": Column("bool"),
    "has_computer": Column("bool"),
    "has_internet_phone": Column("bool"),
    "uses_digital_services": Column("bool"),
    "waste_handling": Column("str", codes=vocab.WASTE_HANDLING),
    "other_income_monthly": Column("int"),
}

MEMBER_COLUMNS: dict[str, Column] = {
    "member_id": Column("int"),
    "household_id": Column("int"),
    "full_name": Column("str", nullable=True, required=False),
    "sex": Column("str", codes=vocab.SEX),
    "date_of_birth": Column("date"),
    "relation": Column("str", codes=vocab.RELATION, required=False),
    "ethnicity": Column("str", codes=vocab.ETHNICITY, required=False),
    "disability_level": Column("str", codes=vocab.DISABILITY_LEVEL),
    "unable_to_work": Column("bool"),
    "has_health_insurance": Column("bool"),
    "schooling_status": Column("str", codes=vocab.SCHOOLING_STATUS),
    "school_level": Column("str", nullable=True, codes=vocab.SCHOOL_LEVEL),
    "education_level": Column("str", codes=vocab.EDUCATION_LEVEL),
    "employment_status": Column("str", codes=vocab.EMPLOYMENT_STATUS),
    "has_labour_contract": Column("bool"),
    "has_social_insurance": Column("bool"),
    "receives_pension": Column("bool"),
    "monthly_income": Column("int"),
    "nutrition_status": Column("str", nullable=True, codes=vocab.NUTRITION_STATUS),
}

DTYPES: dict[Kind, pl.DataType] = {
    "int": pl.Int64(),
    "float": pl.Float64(),
    "str": pl.String(),
    "bool": pl.Boolean(),
    "date": pl.Date(),
}
MAX_LISTED = 10
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


def read_frame(path: str | Path) -> pl.DataFrame:
    """Read a Parquet or CSV file; CSV columns stay text and are typed by ``validate_frames``."""
    path = Path(path)
    if not path.exists():
        raise FrameError([f"{path}: no such file"])
    try:
        if path.suffix.lower() in {".parquet", ".pq"}:
            return pl.read_parquet(path)
        if path.suffix.lower() in {".csv", ".txt"}:
            return pl.read_csv(path, infer_schema=False)
    except (pl.exceptions.PolarsError, OSError) as exc:
        raise FrameError([f"{path}: cannot be read ({exc.__class__.__name__}: {str(exc)[:200]})"]) from None
    raise FrameError([f"{path}: unknown format (use .parquet or .csv)"])


def _coerce_column(
    df: pl.DataFrame, name: str, col: Column, table: str, key: str, problems: list[str]
) -> pl.Expr | None:
    """An expression giving the column in its canonical type, or None after recording a problem."""
    dtype = df.schema[name]
    target = DTYPES[col.kind]
    source = pl.col(name)
    if dtype == pl.Null:
        return pl.lit(None, dtype=target).alias(name)
    if dtype in (pl.String, pl.Categorical) or isinstance(dtype, pl.Enum):
        text = source.cast(pl.String).str.strip_chars()
        if col.kind == "str":
            return text.alias(name)
        if col.kind == "int":
            parsed = text.cast(pl.Int64, strict=False)
        elif col.kind == "float":
            parsed = text.cast(pl.Float64, strict=False)
        elif col.kind == "bool":
            low = text.str.to_lowercase()
            parsed = pl.when(low.is_in(TRUE_TEXT)).then(True).when(low.is_in(FALSE_TEXT)).then(False)
        else:
            parsed = text.str.to_date("%Y-%m-%d", strict=False)
        bad = df.select(
            pl.col(key).cast(pl.String).alias("_key"), pl.int_range(1, pl.len() + 1).alias("_row"),
            text.alias("_text"), (text.is_not_null() & (text != "") & parsed.is_null()).alias("_bad"),
        ).filter("_bad")
        if bad.height:
            examples = [f"row {r} ({key} {k}): {t!r}" for k, r, t in bad.select("_key", "_row", "_text").rows()]
            problems.append(
                f"{table}.{name}: expected {col.kind}, {bad.height} value(s) cannot be read: "
                + _listing(examples, bad.height)
            )
            return None
        return parsed.alias(name)
    ok = {
        "int": dtype.is_integer(),
        "float": dtype.is_numeric(),
        "str": False,
        "bool": dtype == pl.Boolean,
        "date": dtype in (pl.Date, pl.Datetime) or isinstance(dtype, pl.Datetime),
    }[col.kind]
    if not ok:
        problems.append(f"{table}.{name}: has type {dtype}, expected {col.kind}")
        return None
    if col.kind == "date" and dtype != pl.Date:
        return source.dt.date().alias(name)
    return source.cast(target).alias(name)


def _typed(frame: Frame, columns: Mapping[str, Column], table: str, key: str, problems: list[str]) -> pl.DataFrame:
    df = frame.collect() if isinstance(frame, pl.LazyFrame) else frame
    missing = [n for n, c in columns.items() if c.required and n not in df.columns]
    if missing:
        problems.append(f"{table}: missing column(s) {', '.join(missing)}")
    if key in missing:
        return df.clear()
    exprs = []
    for name, col in columns.items():
        if name not in df.columns:
            if not col.required:
                exprs.append(pl.lit(None, dtype=DTYPES[col.kind]).alias(name))
            continue
        expr = _coerce_column(df, name, col, table, key, problems)
        if expr is not None:
            exprs.append(expr)
    typed = df.select(exprs)
    for name, col in columns.items():
        if name not in typed.columns:
            continue
        checks: list[tuple[str, pl.Expr]] = []
        if col.required and not col.nullable:
            checks.append(("is empty", pl.col(name).is_null()))
        if col.codes is not None:
            checks.append((
                f"is not a code of {name} ({', '.join(col.codes)})",
                pl.col(name).is_not_null() & ~pl.col(name).is_in(list(col.codes)),
            ))
        for message, expr in checks:
            bad = typed.select(
                pl.col(key).cast(pl.String).alias("_key"), pl.int_range(1, pl.len() + 1).alias("_row"),
                pl.col(name).cast(pl.String).alias("_value"), expr.alias("_bad"),
            ).filter("_bad")
            if bad.height:
                examples = [
                    f"row {r} ({key} {k})" + (f": {v!r}" if v is not None else "")
                    for k, r, v in bad.select("_key", "_row", "_value").rows()
                ]
                problems.append(f"{table}.{name} {message}: " + _listing(examples, bad.height))
    return typed


def validate_frames(
    households: Frame, members: Frame, on: dt.date | None = None
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Check both frames against docs/frames.md and return them typed and sorted.

    Raises ``FrameError`` naming columns and rows: missing columns, values of the wrong type or outside the
    vocabulary, empty required values, duplicate ids, members without a household, households without
    members and (given ``on``) members born after the assessment date.
    """
    problems: list[str] = []
    hh = _typed(households, HOUSEHOLD_COLUMNS, "households", "household_id", problems)
    mm = _typed(members, MEMBER_COLUMNS, "members", "member_id", problems)
    if problems:
        raise FrameError(problems)
    for table, df, key in (("households", hh, "household_id"), ("members", mm, "member_id")):
        dupes = df.filter(pl.col(key).is_duplicated())[key].unique().sort()
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
