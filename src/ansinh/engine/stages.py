"""The stages of an assessment: what the standard says, as expressions over whole columns.

1. member stage (elementwise): ages at the assessment date, then one 0/1 flag per member-level test and the
   member's income;
2. (the per-household sums of those flags are ``ansinh.engine.segments``' business, or a group-by);
3. household stage (elementwise): the indicators, their count, income per person against the lines and the
   class, under the rule the standard's data selects.

Money comparisons are exact integer arithmetic: ``income_total × months_of_unit ≤ line × members``, so a
household exactly at a yearly line (46,000,000 VND/person/year) is never lost to rounding. Every stage is a
Narwhals expression, so it runs on any backend; ``compiled`` translates them to Polars once for a caller
that applies them to many slices.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from typing import Any

import narwhals.stable.v2 as nw
import polars as pl

from ansinh import vocab
from ansinh.engine.plan import Plan
from ansinh.standards.formulas import AGE_MONTHS, AGE_YEARS, MEMBERS

INCOME = "_income"
CLASSES = vocab.POVERTY_CLASSES


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

    classify = nw.when(poor).then(label(vocab.POOR)).when(near).then(label(vocab.NEAR_POOR))
    if plan.average_living_line is not None:
        classify = classify.when(plan.average_living_line.at_or_below()).then(label(vocab.AVERAGE_LIVING))
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
        classify.otherwise(label(vocab.NOT_POOR)).alias("class"),
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
