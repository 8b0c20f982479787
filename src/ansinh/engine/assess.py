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
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import narwhals.stable.v2 as nw
import polars as pl

from ansinh.engine.frames import Frame, validate_frames
from ansinh.standards import Indicator, Standard, StandardError, Value, load_standard
from ansinh.standards.formulas import AGE_MONTHS, AGE_YEARS, FORMULAS, MEMBERS, Deprivation, Members, Params
from ansinh.standards.loader import MONEY_UNITS

INCOME = "_income"
CLASSES = ("poor", "near_poor", "average_living", "not_poor")


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


def member_stage(plan: Plan, members: Any) -> Any:
    """Members (any Narwhals frame) -> household_id, one Int8 0/1 column per member flag, income."""
    frame = members.with_columns(*age_columns(plan.on))
    return frame.select(
        nw.col("household_id"),
        *[flag.cast(nw.Int8).alias(name) for name, flag in plan.member_flags],
        nw.col("monthly_income").cast(nw.Int64).alias(INCOME),
    )


def _sum_columns(plan: Plan) -> list[str]:
    return [name for name, _ in plan.member_flags] + [INCOME]


def segment_sums(flags: pl.DataFrame, columns: list[str]) -> pl.DataFrame:
    """Per-household sums over members sorted by household_id, without hashing: a cumulative sum read at the
    last row of each household, differenced. One column at a time, so the peak is one Int32 column, not a
    copy of the frame. Keeps the households' order."""
    hid = flags.get_column("household_id")
    ends = (hid != hid.shift(-1)).fill_null(value=True).arg_true()
    out = [hid.gather(ends)]
    for column in columns:
        wide = pl.Int64 if column == INCOME else pl.Int32
        at_ends = flags.get_column(column).cast(wide).cum_sum().gather(ends)
        out.append(at_ends.diff().fill_null(at_ends).alias(column))
    counts = (ends.cast(pl.Int32) + 1).alias(MEMBERS)
    out.append(counts.diff().fill_null(counts))
    return pl.DataFrame(out)


def household_stage(plan: Plan, frame: Any, *, constants: bool = True) -> Any:
    """Households joined with their member sums (any Narwhals frame) -> the assessment columns."""
    indicator_columns = plan.indicator_columns
    frame = frame.with_columns(
        (nw.col(INCOME) + nw.col("other_income_monthly").cast(nw.Int64)).alias("income_total"),
        *[
            ip.deprivation.deprived.fill_null(value=False).cast(nw.Int8).alias(column)
            for ip, column in zip(plan.indicators, indicator_columns, strict=True)
        ],
    )
    frame = frame.with_columns(
        nw.sum_horizontal(*[nw.col(c).cast(nw.Int32) for c in indicator_columns]).cast(nw.Int32).alias(
            "deprivation_count"
        ),
        plan.line.at_or_below().alias("_below"),
    )
    count = nw.col("deprivation_count")
    below = nw.col("_below")
    poor = below & (count >= plan.cutoff)
    near = below & (count < plan.cutoff)
    if plan.near_poor_line is not None:
        near = near | (~below & plan.near_poor_line.at_or_below())
    classify = nw.when(poor).then(nw.lit("poor")).when(near).then(nw.lit("near_poor"))
    if plan.average_living_line is not None:
        classify = classify.when(plan.average_living_line.at_or_below()).then(nw.lit("average_living"))
    no_line = nw.lit(None, dtype=nw.Float64)
    return frame.select(
        nw.col("household_id"),
        nw.col("ward_code").cast(nw.String),
        nw.col("area_type").cast(nw.String),
        nw.col(MEMBERS).cast(nw.Int32),
        nw.col("income_total"),
        (nw.col("income_total") / nw.col(MEMBERS)).cast(nw.Float64).alias("income_per_person"),
        plan.line.monthly().alias("income_line"),
        below.cast(nw.Int8).alias("at_or_below_line"),
        (plan.near_poor_line.monthly() if plan.near_poor_line else no_line).alias("near_poor_line"),
        (plan.average_living_line.monthly() if plan.average_living_line else no_line).alias(
            "average_living_line"
        ),
        *[nw.col(c) for c in indicator_columns],
        count,
        classify.otherwise(nw.lit("not_poor")).alias("class"),
        *(
            [nw.lit(plan.standard.id).alias("standard_id"), nw.lit(plan.standard.version).alias("parameter_version")]
            if constants
            else []
        ),
    )


def run_polars(plan: Plan, households: pl.DataFrame, members: pl.DataFrame) -> pl.DataFrame:
    """Assess validated frames (households sorted by id, members sorted by household) on Polars."""
    flags = member_stage(plan, nw.from_native(members.lazy())).to_native().collect(engine="streaming")
    sums = segment_sums(flags, _sum_columns(plan))
    del flags
    # Validation guarantees one segment per household, in the same order: a horizontal concat, no join.
    wide = pl.concat([households.lazy(), sums.drop("household_id").lazy()], how="horizontal")
    result: pl.DataFrame = (
        household_stage(plan, nw.from_native(wide), constants=False).to_native().collect(engine="streaming")
    )
    # Constant columns added to the collected frame stay scalar columns (not one value per row in memory).
    return result.with_columns(
        pl.lit(plan.standard.id).alias("standard_id"),
        pl.lit(plan.standard.version).alias("parameter_version"),
        pl.lit(plan.on).alias("assessed_on"),
    )


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
    columns = _sum_columns(plan)
    sums = (
        nw.from_native(flags)
        .group_by("household_id")
        .agg(*[nw.col(c).sum() for c in columns], nw.len().alias(MEMBERS))
    )
    wide = nw.from_native(households).join(sums, on="household_id", how="inner").to_native()
    return _elementwise(wide, lambda frame: household_stage(plan, frame))


def assess(
    households: Frame,
    members: Frame,
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
    hh, mm = validate_frames(households, members, on, optional=False)
    mm = mm.drop("member_id")  # checked; not needed to classify (84 MB for a city)
    return run_polars(plan, hh, mm)
