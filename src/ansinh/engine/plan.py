"""The plan of an assessment: one standard's parameters on one date resolved into expressions.

``build_plan`` reads the standard (its indicators' formulas, the income lines, the deprivation cut-off and the
class rule) and touches no data; the stages (``ansinh.engine.stages``) apply the plan to frames, and
``ansinh.engine.assess`` chooses the route that runs them. ``required`` names the columns an input must fill.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import narwhals.stable.v2 as nw

from ansinh.standards import Indicator, Standard, StandardError, Value, load_standard
from ansinh.standards.formulas import FORMULAS, MEMBERS, Deprivation, Members, Params
from ansinh.standards.loader import MONEY_UNITS

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


def required(columns: Mapping[str, Any]) -> list[str]:
    """The columns of a frame description (``HOUSEHOLD_COLUMNS``, ``MEMBER_COLUMNS``) that must be present
    and filled on every row."""
    return [name for name, col in columns.items() if col.required and not col.nullable]
