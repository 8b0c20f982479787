"""Columnar assessment: indicators, deprivation count, income against the line, and the class.

The pipeline has three stages, all built from the Narwhals expressions of ``ansinh.standards.formulas``:

1. member stage (elementwise): ages at the assessment date, then one 0/1 flag per member-level test;
2. reduction: per household, the sum of every flag, of member income, and the member count. On Polars
   this is a sorted-segment reduction (cumulative sums read at segment ends, no hashing: members are stored
   contiguously by household); on any other Narwhals backend (Dask, …) it is a group-by with sums;
3. household stage (elementwise): the indicators, their count, income per person against the lines and the
   class, under the rule the standard's data selects.

Money comparisons are exact integer arithmetic: ``income_total × months_of_unit ≤ line × members``, so a
household exactly at a yearly line (46,000,000 VND/person/year) is never lost to rounding.
"""

from __future__ import annotations

import datetime as dt
import functools
import sys
import threading
from collections import deque
from collections.abc import Generator, Iterable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from queue import Full, Queue
from typing import Any

import narwhals.stable.v2 as nw
import numpy as np
import polars as pl

from ansinh.engine.frames import HOUSEHOLD_COLUMNS, MEMBER_COLUMNS, Frame, read_frame, validate_frames
from ansinh.engine.parquet import (
    Batch,
    arrow_pool,
    file_columns,
    is_parquet,
    member_batches,
    read_batch,
    read_table,
    scan_typed,
)
from ansinh.standards import Indicator, Standard, StandardError, Value, load_standard
from ansinh.standards.formulas import AGE_MONTHS, AGE_YEARS, FORMULAS, MEMBERS, Deprivation, Members, Params
from ansinh.standards.loader import MONEY_UNITS

INCOME = "_income"
CLASSES = ("poor", "near_poor", "average_living", "not_poor")
# An indicator whose input is not recorded (an optional field left blank): ``undetermined`` leaves it empty
# (null: "not known, to be surveyed"), counted as no deprivation until the survey records it; ``deprived`` /
# ``not_deprived`` decide it.
UNKNOWN_INPUT = ("undetermined", "deprived", "not_deprived")


@dataclass(frozen=True)
class Line:
    """An income line on the assessment date: amount per area type (``*`` = any) in its unit."""

    name: str
    amounts: Mapping[str, int | float]
    months: int

    def amount(self) -> nw.Expr:
        if "*" in self.amounts:
            return nw.lit(self.amounts["*"])
        return (
            nw.when(nw.col("area_type") == "urban")
            .then(nw.lit(self.amounts["urban"]))
            .otherwise(nw.lit(self.amounts["rural"]))
        )

    def at_or_below(self) -> nw.Expr:
        """Monthly income per person ≤ the line, compared without division."""
        return nw.col("income_total") * self.months <= self.amount() * nw.col(MEMBERS)

    def monthly(self) -> nw.Expr:
        return (self.amount() / self.months).cast(nw.Float64)


@dataclass(frozen=True)
class IndicatorPlan:
    indicator: Indicator
    deprivation: Deprivation
    params: Mapping[str, Value]


@dataclass(frozen=True)
class Plan:
    """Everything needed to assess under one standard on one date (expressions, lines, rule)."""

    standard: Standard
    on: dt.date
    indicators: tuple[IndicatorPlan, ...]
    member_flags: tuple[tuple[str, nw.Expr], ...]
    line: Line
    near_poor_line: Line | None
    average_living_line: Line | None
    cutoff: int
    rule: str
    unknown_input: str  # what an indicator whose input is not recorded is (the standard's ``unknown_input``)

    @property
    def indicator_columns(self) -> list[str]:
        return [f"ind_{ip.indicator.name}" for ip in self.indicators]


def resolve(standard: Standard | str, overrides: Mapping[str, object] | None = None) -> Standard:
    resolved = load_standard(standard) if isinstance(standard, str) else standard
    return resolved.with_overrides(overrides)


def _line(standard: Standard, name: str, on: dt.date) -> Line | None:
    leaves = standard.leaves(name)
    if not leaves:
        return None
    amounts: dict[str, int | float] = {}
    months: set[int] = set()
    for leaf in leaves:
        value = standard.value(leaf, on)
        if value is None:
            return None  # repealed / not set: no such band on this date
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise StandardError(f"{standard.id}: {leaf} is not an amount")
        area = leaf[len(name) + 1 :] or "*"
        amounts[area] = value
        months.add(MONEY_UNITS[standard.parameters[leaf].unit])
    if "*" not in amounts and set(amounts) != {"urban", "rural"}:
        raise StandardError(f"{standard.id}: {name} needs one amount or one per area (urban, rural)")
    if len(months) != 1:
        raise StandardError(f"{standard.id}: the amounts of {name} must share one unit")
    return Line(name, amounts, months.pop())


def build_plan(standard: Standard, on: dt.date) -> Plan:
    """Resolve every parameter of ``standard`` on ``on`` into expressions (no data touched)."""
    if not standard.applies_on(on):
        until = standard.valid_to.isoformat() if standard.valid_to else "open-ended"
        raise StandardError(
            f"standard {standard.id} is not in force on {on.isoformat()} "
            f"(valid {standard.valid_from.isoformat()} to {until})"
        )
    plans: list[IndicatorPlan] = []
    flags: list[tuple[str, nw.Expr]] = []
    for indicator in standard.indicators:
        try:
            fn = FORMULAS[indicator.formula]
        except KeyError:
            raise StandardError(f"{standard.id}: no formula {indicator.formula!r}") from None
        params = Params(standard, on, indicator.name)
        members = Members(indicator.name)
        deprivation = fn(params, members)
        plans.append(IndicatorPlan(indicator, deprivation, dict(params.read)))
        flags.extend(members.flags)
    line = _line(standard, "income_line", on)
    if line is None:
        raise StandardError(f"{standard.id}: no income line on {on.isoformat()}")
    rule = standard.value("near_poor_rule", on)
    cutoff = standard.value("deprivation_cutoff", on)
    if not isinstance(cutoff, int) or isinstance(cutoff, bool):
        raise StandardError(f"{standard.id}: deprivation_cutoff must be a whole number")
    near = _line(standard, "near_poor_line", on)
    unknown = standard.value("unknown_input", on)
    if unknown not in UNKNOWN_INPUT:
        raise StandardError(f"{standard.id}: unknown_input must be one of {', '.join(UNKNOWN_INPUT)}")
    if rule == "income_band" and near is None:
        raise StandardError(f"{standard.id}: near_poor_rule=income_band needs near_poor_line")
    return Plan(
        standard=standard,
        on=on,
        indicators=tuple(plans),
        member_flags=tuple(flags),
        line=line,
        near_poor_line=near if rule == "income_band" else None,
        average_living_line=_line(standard, "average_living_line", on),
        cutoff=cutoff,
        rule=str(rule),
        unknown_input=str(unknown),
    )


def age_columns(on: dt.date) -> list[nw.Expr]:
    """Completed months and years of age on ``on`` (a birthday on the 29th–31st falls on the next month's
    first day when the month is shorter, as in the civil reckoning of full months)."""
    dob = nw.col("date_of_birth")
    months = (
        (on.year - dob.dt.year().cast(nw.Int32)) * 12
        + (on.month - dob.dt.month().cast(nw.Int32))
        - (dob.dt.day().cast(nw.Int32) > on.day).cast(nw.Int32)
    )
    return [months.alias(AGE_MONTHS), (months // 12).alias(AGE_YEARS)]


AGE_SPAN_YEARS = 200  # the table of ages by day of birth covers births this many years before the date


@functools.lru_cache(maxsize=16)
def months_by_birth_day(on: dt.date) -> tuple[dt.date, pl.Series]:
    """(first day, completed months of age on ``on`` for each day of birth from that day to ``on``), computed
    with ``age_columns`` itself, so that a lookup gives exactly what the expression gives."""
    first = dt.date(on.year - AGE_SPAN_YEARS, 1, 1)
    days = pl.DataFrame({"date_of_birth": pl.date_range(first, on, eager=True)})
    months: pl.Series = nw.from_native(days).select(age_columns(on)[0]).to_native().get_column(AGE_MONTHS)
    return first, months.cast(pl.Int32)


def with_lookup_ages(members: pl.LazyFrame, on: dt.date, *extra: pl.Expr) -> pl.LazyFrame:
    """``members`` with the age columns (and the ``extra`` columns): one table lookup per member (the calendar
    arithmetic of ``age_columns`` costs three date conversions per member), the years from the months in a
    second step (in one step Polars would look each member up twice). Exact for births within the table's
    span (``ages_in_span`` says whether all are); outside it the lookup is clipped, so it never fails."""
    first, months = months_by_birth_day(on)
    offset = (first - dt.date(1970, 1, 1)).days
    days = (pl.col("date_of_birth").cast(pl.Int32) - offset).clip(0, months.len() - 1)
    return members.with_columns(pl.lit(months).gather(days).alias(AGE_MONTHS), *extra).with_columns(
        (pl.col(AGE_MONTHS) // 12).alias(AGE_YEARS)
    )


def ages_in_span(on: dt.date, earliest: object, latest: object) -> bool:
    first, _ = months_by_birth_day(on)
    return isinstance(earliest, dt.date) and isinstance(latest, dt.date) and first <= earliest and latest <= on


def member_exprs(plan: Plan, *, as_int: bool = True) -> list[nw.Expr]:
    """The member stage's columns over a frame with the age columns: household_id, one 0/1 column per
    member flag (Int8, or Boolean with ``as_int=False``), income."""
    return [
        nw.col("household_id"),
        *[(flag.cast(nw.Int8) if as_int else flag).alias(name) for name, flag in plan.member_flags],
        nw.col("monthly_income").cast(nw.Int64).alias(INCOME),
    ]


def member_stage(plan: Plan, members: Any, *, ages: bool = True, as_int: bool = True) -> Any:
    """Members (any Narwhals frame) -> household_id, one Int8 0/1 column per member flag, income.
    ``ages=False`` when the frame already has the age columns; ``as_int=False`` leaves the flags Boolean
    (for a caller that packs them)."""
    frame = members.with_columns(*age_columns(plan.on)) if ages else members
    return frame.select(*member_exprs(plan, as_int=as_int))


def to_polars(exprs: list[nw.Expr]) -> list[pl.Expr] | None:
    """Narwhals expressions as the Polars expressions Narwhals would hand to Polars, or None if this version
    of Narwhals does not expose them. Translating costs milliseconds of Python (under the GIL): the file
    route translates once per run instead of once per batch. Narwhals' translation itself is used (a
    private step of ``select``), so the result is what ``frame.select(exprs)`` would run."""
    try:
        frame = nw.from_native(pl.LazyFrame())
        translated = [getattr(compliant, "native") for compliant in frame._flatten_and_extract(*exprs)]  # noqa: B009
    except AttributeError:
        return None
    return translated if all(isinstance(e, pl.Expr) for e in translated) else None


@dataclass(frozen=True)
class PolarsStages:
    """The member and household stages of one plan as Polars query steps, translated once (``compiled``)."""

    plan: Plan
    members: list[pl.Expr] | None
    households: list[list[pl.Expr]] | None

    def member_stage(self, aged: pl.LazyFrame, keep: tuple[str, ...] = ()) -> pl.LazyFrame:
        """``member_stage(as_int=False)`` over a frame with the age columns, and the columns ``keep``."""
        if self.members is None:
            staged: pl.LazyFrame = (
                nw.from_native(aged)
                .select(*member_exprs(self.plan, as_int=False), *[nw.col(name) for name in keep])
                .to_native()
            )
            return staged
        return aged.select([*self.members, *[pl.col(name) for name in keep]])

    def household_stage(self, wide: pl.LazyFrame) -> pl.LazyFrame:
        """``household_stage(constants=False, labels=False)``."""
        if self.households is None:
            staged: pl.LazyFrame = household_stage(
                self.plan, nw.from_native(wide), constants=False, labels=False
            ).to_native()
            return staged
        first, second, last = self.households
        return wide.with_columns(first).with_columns(second).select(last)


def compiled(plan: Plan) -> PolarsStages:
    """``plan``'s stages translated to Polars once, where Narwhals allows it (else applied through Narwhals)."""
    steps = [to_polars(step) for step in household_steps(plan, constants=False, labels=False)]
    households = None if any(step is None for step in steps) else [step for step in steps if step is not None]
    return PolarsStages(plan, to_polars(member_exprs(plan, as_int=False)), households)


def sum_columns(plan: Plan) -> list[str]:
    return [name for name, _ in plan.member_flags] + [INCOME]


FIELD_BITS = 8  # a packed member count: households of up to 255 members
FIELDS_PER_WORD = 7  # 56 bits: a word of packed counts stays positive


def _words(columns: list[str]) -> list[list[str]]:
    flags = [c for c in columns if c != INCOME]
    return [flags[i : i + FIELDS_PER_WORD] for i in range(0, len(flags), FIELDS_PER_WORD)]


def _packed(word: list[str], name: str) -> pl.Expr:
    """Seven 0/1 columns (Boolean, or integers 0/1) as one Int64, 8 bits each. Each flag picks its field's
    value or 0 (a select: one pass, a third of the time of casting the flag to Int64 and multiplying)."""
    zero = pl.lit(0, dtype=pl.Int64)
    return pl.sum_horizontal(
        [
            pl.when(pl.col(c).cast(pl.Boolean)).then(pl.lit(1 << (FIELD_BITS * j), dtype=pl.Int64)).otherwise(zero)
            for j, c in enumerate(word)
        ]
    ).alias(name)


def _segments(starts: np.ndarray, n_rows: int) -> tuple[np.ndarray, np.ndarray]:
    counts = np.diff(np.append(starts, n_rows)) if n_rows else np.empty(0, dtype=np.int64)
    return starts if n_rows else np.empty(0, dtype=np.int64), counts


def _reduce(values: np.ndarray, starts: np.ndarray, counts: np.ndarray, dtype: Any) -> np.ndarray:
    """The sum of each segment (``starts``, ``counts``: contiguous, in order, covering ``values``): the
    running total read at each segment's last row, minus the previous one's. Four times faster than
    ``numpy.add.reduceat``, which pays a call per segment (a household has 3.5 members). Exact: int64
    arithmetic wraps, so the running total may overflow, but a difference is exact modulo 2**64 and every
    segment's own total fits (packed counts stay below 2**56)."""
    if not len(values):
        return values.astype(dtype)
    running = np.cumsum(values, dtype=np.int64)[starts + counts - 1]
    sums = np.empty_like(running)
    sums[0] = running[0]
    np.subtract(running[1:], running[:-1], out=sums[1:])
    result: np.ndarray = sums.astype(dtype, copy=False)
    return result


def _unpack(sums: np.ndarray, word: list[str], out: dict[str, Any]) -> None:
    if sys.byteorder == "little":  # each 8-bit count is one byte of the word: read the bytes in place
        counts = np.ascontiguousarray(sums, dtype=np.int64).view(np.uint8).reshape(-1, 8)
        for j, column in enumerate(word):
            out[column] = counts[:, j].astype(np.int32)
        return
    for j, column in enumerate(word):
        out[column] = ((sums >> (FIELD_BITS * j)) & ((1 << FIELD_BITS) - 1)).astype(np.int32)


def segment_sums(flags: pl.DataFrame, columns: list[str]) -> pl.DataFrame:
    """Per-household sums over members sorted by household_id, without hashing: each household is a
    contiguous segment, summed from running totals read at its last member (``_reduce``). Keeps the
    households' order.

    The 0/1 flag columns are packed seven to a 64-bit word, 8 bits per flag, so one segmented sum serves
    seven flags; no count carries into the next field while a household has at most 255 members (checked:
    larger households are summed one column at a time)."""
    hid = flags.get_column("household_id").to_numpy()
    starts, counts = _segments(np.flatnonzero(np.diff(hid, prepend=hid[:1] - 1)) if len(hid) else hid, len(hid))
    words = _words(columns)
    packed = flags.select(*[_packed(word, f"_word{w}") for w, word in enumerate(words)]) if words else None
    return _sums_from(flags, packed, words, columns, hid[starts], starts, counts)


def _sums_from(
    flags: pl.DataFrame,
    packed: pl.DataFrame | None,
    words: list[list[str]],
    columns: list[str],
    household_ids: np.ndarray,
    starts: np.ndarray,
    counts: np.ndarray,
) -> pl.DataFrame:
    out: dict[str, Any] = {"household_id": household_ids}
    if len(counts) == 0 or counts.max() < (1 << FIELD_BITS):
        for w, word in enumerate(words):
            assert packed is not None
            _unpack(_reduce(packed.get_column(f"_word{w}").to_numpy(), starts, counts, np.int64), word, out)
    else:
        for column in [c for c in columns if c != INCOME]:
            out[column] = _reduce(flags.get_column(column).to_numpy(), starts, counts, np.int32)
    if INCOME in columns:
        out[INCOME] = _reduce(flags.get_column(INCOME).to_numpy(), starts, counts, np.int64)
    out[MEMBERS] = counts.astype(np.int32)
    return pl.DataFrame({name: out[name] for name in ["household_id", *columns, MEMBERS]})


def packed_query(
    plan: Plan, members: pl.LazyFrame, *, lookup: bool = True, stages: PolarsStages | None = None
) -> pl.LazyFrame:
    """The member stage with its flags packed into words as they are computed, next to a mark of each
    household's first member: household_id, _start, _word0…, income (see ``segment_sums``). ``stages``:
    the plan's stages translated once, for a caller that runs this query many times."""
    if lookup:
        aged = with_lookup_ages(members, plan.on)
    else:
        aged = nw.from_native(members).with_columns(*age_columns(plan.on)).to_native()
    staged = (stages or PolarsStages(plan, None, None)).member_stage(aged)
    hid = pl.col("household_id")
    return staged.select(
        hid,
        (hid != hid.shift(1)).fill_null(value=True).alias("_start"),
        *[_packed(word, f"_word{w}") for w, word in enumerate(_words(sum_columns(plan)))],
        INCOME,
    )


def sums_of_packed(plan: Plan, packed: pl.DataFrame, members: pl.LazyFrame, *, lookup: bool = True) -> pl.DataFrame:
    """Per-household sums from ``packed_query``'s result (``members`` is read again, column by column, only if
    a household has 256 members or more)."""
    columns = sum_columns(plan)
    words = _words(columns)
    starts, counts = _segments(np.flatnonzero(packed.get_column("_start").to_numpy()), packed.height)
    household_ids = packed.get_column("household_id").to_numpy()[starts]
    if len(counts) and counts.max() >= (1 << FIELD_BITS):
        aged = with_lookup_ages(members, plan.on) if lookup else members
        flags = member_stage(plan, nw.from_native(aged), ages=not lookup).to_native().collect()
        return _sums_from(flags, None, words, columns, household_ids, starts, counts)
    return _sums_from(packed, packed, words, columns, household_ids, starts, counts)


def member_sums(plan: Plan, members: pl.DataFrame) -> pl.DataFrame:
    """The member stage and the per-household reduction of ``run_polars``: one query, then segment sums."""
    dob = members.get_column("date_of_birth")
    lookup = ages_in_span(plan.on, dob.min(), dob.max())
    packed = packed_query(plan, members.lazy(), lookup=lookup).collect()
    return sums_of_packed(plan, packed, members.lazy(), lookup=lookup)


def class_tests(plan: Plan, below: Any, count: Any, below_near: Any = None) -> tuple[Any, Any]:
    """The standard's class rule as (poor, near-poor) tests over any expressions (Narwhals or Polars):
    ``below`` is the income test against the poverty line, ``count`` the deprivation count and
    ``below_near`` the test against the near-poor band (used only under ``near_poor_rule = income_band``).
    The review's form-B scoring applies the same rule with its score in place of income."""
    poor = below & (count >= plan.cutoff)
    near = below & (count < plan.cutoff)
    if plan.near_poor_line is not None:
        near = near | (~below & below_near)
    return poor, near


def _decided(deprived: nw.Expr, unknown_input: str) -> nw.Expr:
    """The indicator where its input is not recorded, as the standard says (``UNKNOWN_INPUT``)."""
    if unknown_input == "undetermined":
        return deprived
    return deprived.fill_null(value=unknown_input == "deprived")


def household_steps(plan: Plan, *, constants: bool = True, labels: bool = True) -> list[list[nw.Expr]]:
    """The household stage as three steps over households joined with their member sums: two
    ``with_columns`` (the indicators and the income total; their count and the income test), then a
    ``select`` of the assessment columns (see ``household_stage``)."""
    indicator_columns = plan.indicator_columns
    first = [
        (nw.col(INCOME) + nw.col("other_income_monthly").cast(nw.Int64)).alias("income_total"),
        *[
            _decided(ip.deprivation.deprived, plan.unknown_input).cast(nw.Int8).alias(column)
            for ip, column in zip(plan.indicators, indicator_columns, strict=True)
        ],
    ]
    second = [
        # 0/1 Int8 columns (null: undetermined, no deprivation), fewer than 128: summed in Int8, widened once.
        nw.sum_horizontal(*[nw.col(c).fill_null(0) for c in indicator_columns])
        .cast(nw.Int32)
        .alias("deprivation_count"),
        plan.line.at_or_below().alias("_below"),
    ]
    count = nw.col("deprivation_count")
    below = nw.col("_below")
    poor, near = class_tests(plan, below, count, plan.near_poor_line.at_or_below() if plan.near_poor_line else None)

    def label(name: str) -> nw.Expr:
        return nw.lit(name) if labels else nw.lit(CLASSES.index(name), dtype=nw.Int8)

    classify = nw.when(poor).then(label("poor")).when(near).then(label("near_poor"))
    if plan.average_living_line is not None:
        classify = classify.when(plan.average_living_line.at_or_below()).then(label("average_living"))
    no_line = nw.lit(None, dtype=nw.Float64)
    last = [
        nw.col("household_id"),
        nw.col("ward_code").cast(nw.String),
        nw.col("area_type").cast(nw.String) if labels else nw.col("area_type"),
        nw.col(MEMBERS).cast(nw.Int32),
        nw.col("income_total"),
        (nw.col("income_total") / nw.col(MEMBERS)).cast(nw.Float64).alias("income_per_person"),
        plan.line.monthly().alias("income_line"),
        below.cast(nw.Int8).alias("at_or_below_line"),
        (plan.near_poor_line.monthly() if plan.near_poor_line else no_line).alias("near_poor_line"),
        (plan.average_living_line.monthly() if plan.average_living_line else no_line).alias("average_living_line"),
        *[nw.col(c) for c in indicator_columns],
        count,
        classify.otherwise(label("not_poor")).alias("class"),
        *(
            [nw.lit(plan.standard.id).alias("standard_id"), nw.lit(plan.standard.version).alias("parameter_version")]
            if constants
            else []
        ),
    ]
    return [first, second, last]


def household_stage(plan: Plan, frame: Any, *, constants: bool = True, labels: bool = True) -> Any:
    """Households joined with their member sums (any Narwhals frame) -> the assessment columns.

    ``labels=False`` leaves ``class`` as its position in ``CLASSES`` (Int8) and ``area_type`` as read, for a
    caller that labels them more cheaply (``finish``: a gather from the four labels instead of a string per
    household)."""
    first, second, last = household_steps(plan, constants=constants, labels=labels)
    return frame.with_columns(*first).with_columns(*second).select(*last)


def run_polars(plan: Plan, households: pl.DataFrame, members: pl.DataFrame) -> pl.DataFrame:
    """Assess validated frames (households sorted by id, members sorted by household) on Polars."""
    return finish(plan, households, member_sums(plan, members))


FINISH_ROWS = 1 << 20  # households staged at a time: a city's temporaries never all exist at once


def finish(plan: Plan, households: pl.DataFrame, sums: pl.DataFrame | list[pl.DataFrame]) -> pl.DataFrame:
    """The household stage over households and their member sums, both in household order.

    ``sums`` may be a list of parts (consecutive households, as the file route sums them batch by batch): the
    list is consumed, each part released once staged, so the sums and the result never both exist whole."""
    pieces = [sums] if isinstance(sums, pl.DataFrame) else sums
    template = pieces[0].clear() if pieces else None
    pending = deque(
        piece.slice(start, FINISH_ROWS) for piece in pieces for start in range(0, piece.height, FINISH_ROWS)
    )
    if isinstance(sums, list):
        sums.clear()
    del pieces
    parts: list[pl.DataFrame] = []
    start = 0
    while pending:
        group = [pending.popleft()]
        rows = group[0].height
        while pending and rows + pending[0].height <= FINISH_ROWS:
            group.append(pending.popleft())
            rows += group[-1].height
        # Each slice made contiguous first: the households (one chunk per row group read) and the sums (one
        # per batch) are cut at different rows, and a stage over misaligned chunks costs twice the memory.
        piece = (pl.concat(group) if len(group) > 1 else group[0]).rechunk()
        del group
        parts.append(stage_rows(plan, households.slice(start, rows).rechunk(), piece))
        del piece
        start += rows
    if not parts:
        assert template is not None
        parts.append(stage_rows(plan, households.clear(), template))
    return pl.concat(parts, rechunk=False) if len(parts) > 1 else parts[0]  # chunks kept: no copy


def stage_rows(
    plan: Plan, households: pl.DataFrame, sums: pl.DataFrame, stages: PolarsStages | None = None
) -> pl.DataFrame:
    """The household stage over households and their member sums (the same households in the same order,
    as validation guarantees: a horizontal concat, no join), labelled, with the constant columns.
    ``stages``: the plan's stages translated once, for a caller that stages many slices."""
    area = households.schema["area_type"]
    area_text = (
        pl.lit(pl.Series(area.categories)).gather(pl.col("area_type").to_physical())
        if isinstance(area, pl.Enum)
        else pl.col("area_type").cast(pl.String)
    )
    wide = pl.concat([households, sums.drop("household_id")], how="horizontal")
    staged = (stages or PolarsStages(plan, None, None)).household_stage(wide.lazy())
    order = staged.collect_schema().names()
    # A band the standard does not have is a column of nulls: a scalar column, like the constants.
    absent = [
        name
        for name, line in (("near_poor_line", plan.near_poor_line), ("average_living_line", plan.average_living_line))
        if line is None
    ]
    return (
        staged.drop(absent)
        .with_columns(
            area_text.alias("area_type"),
            pl.lit(pl.Series(CLASSES)).gather(pl.col("class")).alias("class"),
        )
        .with_columns(*constants(plan), *[pl.lit(None, dtype=pl.Float64).alias(name) for name in absent])
        .select(*order, *[expr.meta.output_name() for expr in constants(plan)])
        .collect()
    )


def constants(plan: Plan) -> list[pl.Expr]:
    """The constant columns. Added in the query that makes a frame, they stay scalar columns (one value, not
    one per row), also through a concat of such frames (``pl.concat(rechunk=False)``); added with
    ``with_columns`` to a frame of many chunks, they would make Polars copy every column into one chunk (a
    city's 350 MB)."""
    return [
        pl.lit(plan.standard.id).alias("standard_id"),
        pl.lit(plan.standard.version).alias("parameter_version"),
        pl.lit(plan.on).alias("assessed_on"),
    ]


def _elementwise(native: Any, stage: Any) -> Any:
    """Apply an elementwise stage (a Narwhals frame -> frame function) to a native frame.

    On Dask it runs partition by partition (``map_partitions``, the stage applied eagerly to each pandas
    partition): one task per partition, instead of a long expression graph that the Dask optimiser handles
    slowly. Elsewhere it is applied to the frame directly."""

    def apply(frame: Any) -> Any:
        return stage(nw.from_native(frame)).to_native()

    if hasattr(native, "map_partitions") and hasattr(native, "_meta"):
        return native.map_partitions(apply, meta=apply(native._meta))
    return apply(native)


def run_portable(plan: Plan, households: Any, members: Any) -> Any:
    """Assess on any Narwhals backend (Dask, DuckDB, pandas, Polars…) with a group-by reduction.

    Returns the native frame of the backend (lazy where the backend is lazy). Validation is the caller's job
    (``validate_frames`` on each extract, or the registry's constraints)."""
    flags = _elementwise(members, lambda frame: member_stage(plan, frame))
    columns = sum_columns(plan)
    sums = (
        nw.from_native(flags).group_by("household_id").agg(*[nw.col(c).sum() for c in columns], nw.len().alias(MEMBERS))
    )
    wide = nw.from_native(households).join(sums, on="household_id", how="inner").to_native()
    return _elementwise(wide, lambda frame: household_stage(plan, frame))


def assess(
    households: Frame | str | Path,
    members: Frame | str | Path,
    standard: Standard | str,
    on: dt.date,
    overrides: Mapping[str, object] | None = None,
) -> pl.DataFrame:
    """Assess every household under ``standard`` on ``on``: one row per household, households in id order.

    Columns: household_id, ward_code, area_type, members, income_total (VND/month), income_per_person
    (VND/person/month), income_line, at_or_below_line, near_poor_line, average_living_line (monthly, null when
    the standard has none), ``ind_<name>`` (Int8 0/1) per indicator, deprivation_count, class (poor /
    near_poor / average_living / not_poor), standard_id, parameter_version, assessed_on.
    Overrides (``{"income_line.urban": 2_500_000}``) change parameters for this call only.
    """
    plan = build_plan(resolve(standard, overrides), on)
    if is_parquet(households) and is_parquet(members):
        assert isinstance(households, str | Path) and isinstance(members, str | Path)
        result = run_files(plan, households, members)
        if result is not None:
            return result
    # The general route: reports every problem by row and column, sorts unsorted input, types text (CSV).
    hh, mm = validate_frames(
        read_frame(households) if isinstance(households, str | Path) else households,
        read_frame(members) if isinstance(members, str | Path) else members,
        on,
        optional=False,
    )
    mm = mm.drop("member_id")  # checked; not needed to classify (84 MB for a city)
    return run_polars(plan, hh, mm)


def _required(columns: Mapping[str, Any]) -> list[str]:
    return [name for name, col in columns.items() if col.required and not col.nullable]


def run_files(plan: Plan, households: str | Path, members: str | Path) -> pl.DataFrame | None:
    """Assess two Parquet files on the file route (``_run_files``), or None when the general route must: also
    when a file cannot be read this way, so that the general route explains what is wrong with it."""
    try:
        with arrow_pool():
            try:
                return _run_files(plan, households, members, ordered=_ids_ordered(members))
            except _IdsUnordered:  # found out late (the file's statistics said nothing): once more, mapping ids
                return _run_files(plan, households, members, ordered=False)
    except (pl.exceptions.PolarsError, OSError, ValueError):  # pyarrow's errors are ValueError/OSError
        return None


class _IdsUnordered(Exception):
    """Member ids not in increasing order: their uniqueness needs ``_UniqueIds``."""


def _ids_ordered(path: str | Path) -> bool:
    """Whether the members file's statistics show its member ids increasing from row group to row group
    (each group's ids above the previous group's), as in a file written in id order. Then increasing ids
    within each batch prove them unique; otherwise (a registry extract, in household order, where members
    who moved keep their ids) ``_UniqueIds`` does."""
    import pyarrow.parquet as pq

    metadata = pq.ParquetFile(path).metadata
    column = metadata.schema.to_arrow_schema().get_field_index("member_id")
    previous_max = None
    for i in range(metadata.num_row_groups):
        stats = metadata.row_group(i).column(column).statistics
        if stats is None or not stats.has_min_max:
            return False
        if previous_max is not None and stats.min <= previous_max:
            return False
        previous_max = stats.max
    return True


class _UniqueIds:
    """The member ids seen so far, one byte per possible id (registry ids are serial numbers, so the map is
    about one byte per member), shared by the workers. ``add`` is False when a batch repeats an id (its own or
    an earlier batch's), has a negative id, or ids too sparse for the map (the general route then checks)."""

    def __init__(self, rows: int) -> None:
        self._seen = np.zeros(0, dtype=np.bool_)
        self._limit = 8 * rows + (1 << 24)
        self._lock = threading.Lock()

    def add(self, ids: np.ndarray) -> bool:
        if not len(ids):
            return True
        low, high = int(ids.min()), int(ids.max())
        if low < 0 or high >= self._limit:
            return False
        with self._lock:
            if high >= len(self._seen):
                grown = np.zeros(min(max(high + 1, 2 * len(self._seen)), self._limit), dtype=np.bool_)
                grown[: len(self._seen)] = self._seen
                self._seen = grown
            window = self._seen[low : high + 1]  # a view: it sees the ids set below
            before = np.count_nonzero(window)
            window[ids - low] = True
            return bool(int(np.count_nonzero(window)) - before == len(ids))


STREAM_ROWS = 1 << 19  # members per batch of the file route (a batch costs a few milliseconds of setup)


def packed_members(plan: Plan, members: pl.LazyFrame, stages: PolarsStages) -> pl.LazyFrame:
    """The file route's member query, elementwise only (so that Polars can stream it): household_id,
    member_id, ``_bad`` (a required value empty, or a birth outside the age table or after the date: the
    general route then explains or handles it), the packed flags and income (see ``packed_query``)."""
    first, _ = months_by_birth_day(plan.on)
    dob = pl.col("date_of_birth")
    bad = pl.any_horizontal(pl.col(_required(MEMBER_COLUMNS)).is_null()) | (dob < first) | (dob > plan.on)
    aged = with_lookup_ages(members, plan.on, bad.alias("_bad"))
    staged = stages.member_stage(aged, keep=("member_id", "_bad"))
    return staged.select(
        "household_id",
        "member_id",
        "_bad",
        *[_packed(word, f"_word{w}") for w, word in enumerate(_words(sum_columns(plan)))],
        INCOME,
    )


def _streams() -> bool:
    """Whether this Polars streams a query's result batch by batch (``collect_batches``, Polars 1.32+)."""
    return hasattr(pl.LazyFrame, "collect_batches")


def _member_frames(
    plan: Plan, path: str | Path, columns: tuple[list[str], list[str]], stages: PolarsStages
) -> Generator[pl.DataFrame | None, None, None]:
    """``packed_members`` over a members file, batch by batch in file order; None for a batch that cannot be
    read this way (a code outside its list).

    Codes stored as the engine's Enums: one streamed query (Polars reads, stages and packs on all cores,
    the file's metadata read once). Codes stored as text: batches of row groups read with their
    dictionaries (``read_batch``), two at a time."""
    plain, coded = columns
    if not coded and _streams():
        query = packed_members(plan, scan_typed(path, MEMBER_COLUMNS, plain), stages)
        yield from query.collect_batches(chunk_size=STREAM_ROWS, engine="streaming")
        return
    batches = member_batches(path, MEMBER_COLUMNS) or []

    def read(batch: Batch) -> pl.DataFrame | None:
        frame = read_batch(batch, MEMBER_COLUMNS)
        return None if frame is None else packed_members(plan, frame.lazy(), stages).collect()

    with ThreadPoolExecutor(2) as pool:
        pending = deque(batches)
        running = deque(pool.submit(read, pending.popleft()) for _ in range(min(2, len(pending))))
        try:
            while running:
                frame = running.popleft().result()
                if pending:
                    running.append(pool.submit(read, pending.popleft()))
                yield frame
        finally:
            for future in running:
                future.cancel()


class _HouseholdRows:
    """A households file's rows in file order, taken a slice at a time (typed; a slice's checks are the
    caller's). Read ahead on a thread of its own, so that a slice is there when its members are summed:
    codes stored as Enums, streamed (a few chunks ahead); as text, the table read whole (``read_table``)."""

    AHEAD = 3  # chunks read ahead of the slices taken

    def __init__(self, path: str | Path, columns: tuple[list[str], list[str]]) -> None:
        self._buffer: list[pl.DataFrame] = []
        self._buffered = 0
        self._failed = False
        self._ended = False
        self._queue: Queue[pl.DataFrame | None] = Queue(maxsize=self.AHEAD)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._read, args=(path, columns), daemon=True)
        self._thread.start()

    def _read(self, path: str | Path, columns: tuple[list[str], list[str]]) -> None:
        plain, coded = columns
        try:
            chunks: Iterable[pl.DataFrame | None]
            if coded:
                chunks = [read_table(path, HOUSEHOLD_COLUMNS)]
            elif _streams():
                chunks = scan_typed(path, HOUSEHOLD_COLUMNS, plain).collect_batches(
                    chunk_size=STREAM_ROWS // 4, engine="streaming"
                )
            else:
                chunks = [scan_typed(path, HOUSEHOLD_COLUMNS, plain).collect()]
            for chunk in chunks:
                if not self._put(chunk) or chunk is None:
                    return
        except Exception:  # whatever it is, the general route reads the file again and explains it
            self._put(None)
            return
        self._put(pl.DataFrame())  # the end

    def _put(self, item: pl.DataFrame | None) -> bool:
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=0.05)
                return True
            except Full:
                continue
        return False

    def _next(self) -> pl.DataFrame | None:
        """The next chunk; None at the end (``_ended``) or on failure (``_failed``)."""
        if self._failed or self._ended:
            return None
        chunk = self._queue.get()
        if chunk is None:
            self._failed = True
        elif chunk.width == 0:
            self._ended = True
            return None
        return chunk

    def take(self, n: int) -> pl.DataFrame | None:
        """The next ``n`` rows, or None if the file has fewer left or cannot be read this way."""
        while self._buffered < n:
            chunk = self._next()
            if chunk is None:
                return None
            self._buffer.append(chunk)
            self._buffered += chunk.height
        whole = pl.concat(self._buffer) if len(self._buffer) > 1 else self._buffer[0]
        rest = whole.slice(n)
        self._buffer = [rest] if rest.height else []
        self._buffered = rest.height
        return whole.head(n)

    def exhausted(self) -> bool:
        """Whether every row was taken (False if the file could not be read)."""
        while self._buffered == 0:
            chunk = self._next()
            if chunk is None:
                return self._ended
            self._buffered = chunk.height
            self._buffer = [chunk]
        return False

    def close(self) -> None:
        """Stop reading (the thread ends; a stream not read to its end is dropped)."""
        self._stop.set()
        self._thread.join()


def _rows(path: str | Path) -> int:
    import pyarrow.parquet as pq

    return int(pq.ParquetFile(path).metadata.num_rows)


class _Decline(Exception):
    """The files need the general route."""


def _run_files(plan: Plan, households: str | Path, members: str | Path, *, ordered: bool) -> pl.DataFrame | None:
    """Assess two Parquet files as a pipeline, without holding either file in memory.

    The members are read, staged and packed batch by batch (``_member_frames``); each batch is checked and
    summed per household (``sums_of``, on a worker); in file order, a household cut between two batches gets
    its two partial sums added, and the households each batch completes are taken from the households file
    and staged (``stage``, on a worker). Member ids must be unique: with ``ordered``, increasing ids prove it
    (``_IdsUnordered`` is raised at the first that is not); otherwise ``_UniqueIds`` checks them. None when
    the files need the general route: a check failed (the general route then names the rows), members not
    sorted by household (it sorts), households of 256 members or more (it sums them column by column)."""
    member_columns = file_columns(members, MEMBER_COLUMNS)
    household_columns = file_columns(households, HOUSEHOLD_COLUMNS)
    if member_columns is None or household_columns is None:
        return None
    unique = None if ordered else _UniqueIds(_rows(members))
    stages = compiled(plan)
    columns = sum_columns(plan)
    words = _words(columns)
    household_required = _required(HOUSEHOLD_COLUMNS)

    def sums_of(batch: pl.DataFrame | None) -> tuple[pl.DataFrame, int, int] | None:
        """The batch's per-household sums, first and last member id; None if a check failed."""
        if batch is None or batch.height == 0 or batch.get_column("_bad").any():
            return None
        hid = batch.get_column("household_id").to_numpy()
        mid = batch.get_column("member_id").to_numpy()
        if (hid[1:] < hid[:-1]).any():
            return None
        if unique is None:
            if (mid[1:] <= mid[:-1]).any():
                raise _IdsUnordered
        elif not unique.add(mid):
            return None
        starts = np.flatnonzero(np.concatenate(([True], hid[1:] != hid[:-1])))
        counts = np.diff(np.append(starts, len(hid)))
        if counts.max() >= (1 << FIELD_BITS):
            return None
        return _sums_from(batch, batch, words, columns, hid[starts], starts, counts), int(mid[0]), int(mid[-1])

    def stage(hh: pl.DataFrame | None, sums: pl.DataFrame) -> pl.DataFrame | None:
        """The households of ``sums`` staged (``hh``: the households file's next rows, which must be exactly
        those households: none without members, none missing); None if a check failed."""
        if (
            hh is None
            or not hh.get_column("household_id").equals(sums.get_column("household_id"))
            or any(hh.select(pl.col(household_required).null_count()).row(0))
        ):
            return None
        return stage_rows(plan, hh, sums, stages)

    rows = _HouseholdRows(households, household_columns)
    frames = _member_frames(plan, members, member_columns, stages)
    carry: pl.DataFrame | None = None  # the last household so far: the next batch may continue it
    last_member: int | None = None
    summing: deque[Future[Any]] = deque()
    staged: list[Future[Any]] = []

    def settle(wait: bool) -> None:
        """Take the finished sums in order: join a cut household, stage the complete ones."""
        nonlocal carry, last_member
        while summing and (wait or summing[0].done()):
            result = summing.popleft().result()
            if result is None:
                raise _Decline
            sums, first_member, final_member = result
            if unique is None and last_member is not None and first_member <= last_member:
                raise _IdsUnordered  # member ids not increasing across batches
            last_member = final_member
            if carry is not None:
                carry_id, first_id = carry.get_column("household_id")[0], sums.get_column("household_id")[0]
                if carry_id > first_id:
                    raise _Decline  # not sorted by household across batches
                if carry_id == first_id:  # a household cut between two batches: its partial sums added
                    joined = (
                        pl.concat([carry, sums.head(1)])
                        .select(pl.all().sum())
                        .with_columns(pl.lit(first_id).alias("household_id"))
                        .cast(sums.schema)
                    )
                    if joined.get_column(MEMBERS)[0] >= (1 << FIELD_BITS):
                        raise _Decline
                    sums = pl.concat([joined, sums.slice(1)])
                else:
                    sums = pl.concat([carry, sums])
            complete, carry = sums.head(sums.height - 1), sums.tail(1)
            if complete.height:
                staged.append(pool.submit(stage, rows.take(complete.height), complete.rechunk()))

    try:
        with ThreadPoolExecutor(2) as pool:
            try:
                for frame in frames:
                    summing.append(pool.submit(sums_of, frame))
                    del frame
                    settle(wait=False)
                settle(wait=True)
                if carry is not None:
                    staged.append(pool.submit(stage, rows.take(carry.height), carry))
                parts: list[pl.DataFrame | None] = [future.result() for future in staged]
            except _Decline:
                return None
            finally:
                frames.close()
                for future in [*summing, *staged]:
                    future.cancel()
        exhausted = rows.exhausted()
    finally:
        rows.close()
    done = [part for part in parts if part is not None]
    if not done or len(done) < len(parts) or not exhausted:
        return None  # a check failed, or households without members after the last member's household
    return pl.concat(done, rechunk=False) if len(done) > 1 else done[0]  # chunks kept: no copy
