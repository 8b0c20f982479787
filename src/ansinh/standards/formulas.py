"""Indicator formulas: one named, vectorised expression per indicator, written once in Narwhals.

Each formula reads its thresholds from the standard's parameters (never a literal legal number) and returns
a household-level boolean expression. Aggregation over members is explicit: ``m.any`` / ``m.all`` /
``m.count`` / ``m.share`` register a member-level flag that the engine sums per household in one pass
(a sorted-segment reduction on Polars, a group-by elsewhere), and return an expression over that sum.
Because the expressions are Narwhals, the same definitions run on Polars in process and on Dask (or any
Narwhals backend) on a cluster. Ages are in completed years / months at the assessment date, computed once
by the engine into ``_age_years`` / ``_age_months``.

Member frame columns and codes: docs/frames.md; code lists: ansinh.vocab.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

import narwhals.stable.v2 as nw

from ansinh.standards.loader import Standard, StandardError, Value

AGE_YEARS = "_age_years"
AGE_MONTHS = "_age_months"
MEMBERS = "members"  # number of members of the household (household-level column made by the engine)


class Params:
    """The parameters of one indicator on one date; records every value read (the explanation cites them)."""

    def __init__(self, standard: Standard, on: dt.date, prefix: str) -> None:
        self.standard, self.on, self.prefix = standard, on, prefix
        self.read: dict[str, Value] = {}

    def _get(self, key: str) -> Value:
        path = key if "." in key else f"{self.prefix}.{key}"
        value = self.standard.value(path, self.on)
        if value is None:
            raise StandardError(f"{self.standard.id}: parameter {path} is repealed on {self.on.isoformat()}")
        self.read[path] = value
        return value

    def int(self, key: str) -> int:
        value = self._get(key)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise StandardError(f"{self.prefix}.{key} is not a number")
        return int(value)

    def float(self, key: str) -> float:
        value = self._get(key)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise StandardError(f"{self.prefix}.{key} is not a number")
        return float(value)

    def codes(self, key: str) -> list[str]:
        value = self._get(key)
        if not isinstance(value, tuple):
            raise StandardError(f"{self.prefix}.{key} is not a code list")
        return list(value)

    def flag(self, key: str) -> bool:
        value = self._get(key)
        if not isinstance(value, bool):
            raise StandardError(f"{self.prefix}.{key} is not a flag")
        return value


@dataclass
class Members:
    """Collects the member-level flags of one indicator; each aggregation returns a household expression."""

    indicator: str
    flags: list[tuple[str, nw.Expr]] = field(default_factory=list)

    def _register(self, flag: nw.Expr, key: str) -> nw.Expr:
        column = f"_n_{self.indicator}_{key}"
        self.flags.append((column, flag.fill_null(value=False)))
        return nw.col(column)

    def any(self, flag: nw.Expr, key: str = "who") -> nw.Expr:
        """At least one member satisfies ``flag``."""
        return self._register(flag, key) > 0

    def all(self, flag: nw.Expr, key: str = "who") -> nw.Expr:
        """Every member satisfies ``flag``."""
        return self._register(flag, key) == nw.col(MEMBERS)

    def count(self, flag: nw.Expr, key: str = "who") -> nw.Expr:
        """How many members satisfy ``flag``."""
        return self._register(flag, key)

    def share(self, flag: nw.Expr, key: str = "who") -> nw.Expr:
        """The share of members satisfying ``flag`` (0..1)."""
        return self._register(flag, key) / nw.col(MEMBERS)


@dataclass(frozen=True)
class Deprivation:
    """What a formula returns: the household-level test, and what explains it.

    ``who`` is the member flag column naming the members who caused it (None for a household attribute);
    ``attributes`` are the household columns to quote.
    """

    deprived: nw.Expr
    who: str | None = None
    attributes: tuple[str, ...] = ()


Formula = Callable[[Params, Members], Deprivation]
FORMULAS: dict[str, Formula] = {}


def formula(fn: Formula) -> Formula:
    FORMULAS[fn.__name__] = fn
    return fn


def _who(m: Members) -> str:
    return m.flags[-1][0]


def _age_years() -> nw.Expr:
    return nw.col(AGE_YEARS)


def working_age(p: Params) -> nw.Expr:
    """Labour Code 2019 Art. 169, Decree 135/2020: from 15 to the retirement age of the member's sex."""
    months = nw.col(AGE_MONTHS)
    retirement = (
        nw.when(nw.col("sex") == "M")
        .then(nw.lit(p.int("working_age.retirement_male")))
        .otherwise(nw.lit(p.int("working_age.retirement_female")))
    )
    return (months >= p.int("working_age.from")) & (months < retirement)


@formula
def employment(p: Params, m: Members) -> Deprivation:
    """Decree 07/2021 Art. 3 cl. 1(b), Circular 07/2021 indicator 1: a working-age member is unemployed,
    works without pay, or (when the parameter says so) works without a labour contract."""
    status = nw.col("employment_status")
    lacking = status.is_in(p.codes("deprived_statuses"))
    if p.flag("without_contract_deprives"):
        employees = status.is_in(p.codes("contract_statuses"))
        lacking = lacking | (employees & ~nw.col("has_labour_contract"))
    deprived = m.any(working_age(p) & lacking)
    return Deprivation(deprived, who=_who(m))


@formula
def dependants(p: Params, m: Members) -> Deprivation:
    """Circular 07/2021 indicator 2: dependants (children, elderly without pension, people with a severe
    disability, others unable to work) are more than the given share of the household's members."""
    age = _age_years()
    dependant = (
        (age < p.int("child_age_below"))
        | ((age >= p.int("elderly_age_from")) & ~nw.col("receives_pension"))
        | nw.col("disability_level").is_in(p.codes("disability_levels"))
        | nw.col("unable_to_work")
    )
    deprived = m.share(dependant) > p.float("share_above")
    return Deprivation(deprived, who=_who(m))


@formula
def nutrition(p: Params, m: Members) -> Deprivation:
    """Circular 07/2021 indicator 3: a child under 16 is stunted or underweight."""
    child = _age_years() < p.int("child_age_below")
    deprived = m.any(child & nw.col("nutrition_status").is_in(p.codes("malnourished_statuses")))
    return Deprivation(deprived, who=_who(m))


@formula
def health_insurance(p: Params, m: Members) -> Deprivation:
    """Circular 07/2021 indicator 4: a member aged 6 or older has no health insurance."""
    deprived = m.any((_age_years() >= p.int("age_from")) & ~nw.col("has_health_insurance"))
    return Deprivation(deprived, who=_who(m))


@formula
def adult_education(p: Params, m: Members) -> Deprivation:
    """Circular 07/2021 indicator 5: a member aged 16–30 not in education lacks the level for their age
    (under 18: lower secondary; from 18: upper secondary or a vocational qualification)."""
    age = _age_years()
    level = nw.col("education_level")
    in_range = (age >= p.int("age_from")) & (age <= p.int("age_to"))
    upper = age >= p.int("upper_band_from")
    lacking = (~upper & ~level.is_in(p.codes("lower_band_levels"))) | (
        upper & ~level.is_in(p.codes("upper_band_levels"))
    )
    studying = nw.col("schooling_status").is_in(p.codes("in_education_statuses"))
    deprived = m.any(in_range & ~studying & lacking)
    return Deprivation(deprived, who=_who(m))


@formula
def school_attendance(p: Params, m: Members) -> Deprivation:
    """Circular 07/2021 indicator 6: a child aged 3 to under 16 does not attend school."""
    age = _age_years()
    child = (age >= p.int("age_from")) & (age < p.int("age_below"))
    deprived = m.any(child & ~nw.col("schooling_status").is_in(p.codes("in_education_statuses")))
    return Deprivation(deprived, who=_who(m))


@formula
def housing_quality(p: Params, m: Members) -> Deprivation:
    """Circular 07/2021 indicator 7: at least 2 of the 3 main structures are not durable."""
    non_durable = nw.sum_horizontal(
        *[(~nw.col(c)).cast(nw.Int8) for c in ("wall_durable", "frame_durable", "roof_durable")]
    )
    deprived = non_durable >= p.int("non_durable_from")
    return Deprivation(deprived, attributes=("wall_durable", "frame_durable", "roof_durable"))


@formula
def floor_area(p: Params, m: Members) -> Deprivation:
    """Circular 07/2021 indicator 8: floor area per person below 8 m² (compared without division)."""
    deprived = nw.col("floor_area_m2") < p.float("per_person_below") * nw.col(MEMBERS)
    return Deprivation(deprived, attributes=("floor_area_m2", MEMBERS))


@formula
def water(p: Params, m: Members) -> Deprivation:
    """Circular 07/2021 indicator 9: the household's water source is not a safe one."""
    return Deprivation(~nw.col("water_source").is_in(p.codes("safe_sources")), attributes=("water_source",))


@formula
def toilet(p: Params, m: Members) -> Deprivation:
    """Circular 07/2021 indicator 10: the household has no hygienic toilet."""
    return Deprivation(~nw.col("toilet_type").is_in(p.codes("hygienic_types")), attributes=("toilet_type",))


@formula
def telecom(p: Params, m: Members) -> Deprivation:
    """Circular 07/2021 indicator 11: no member uses telephone or internet services."""
    deprived = ~(nw.col("uses_telecom") | nw.col("uses_internet"))
    return Deprivation(deprived, attributes=("uses_telecom", "uses_internet"))


@formula
def information_devices(p: Params, m: Members) -> Deprivation:
    """Circular 07/2021 indicator 12: the household owns no TV, radio, computer or internet phone; a basic phone
    (calls and text only) counts when the standard's ``basic_phone_counts`` says so."""
    devices: tuple[str, ...] = ("has_tv", "has_radio", "has_computer", "has_internet_phone")
    if p.flag("basic_phone_counts"):
        devices += ("has_basic_phone",)
    deprived = ~nw.any_horizontal(*[nw.col(c) for c in devices], ignore_nulls=True)
    return Deprivation(deprived, attributes=devices)


@formula
def digital_services(p: Params, m: Members) -> Deprivation:
    """Decree 351/2025 (2027–2030): no member uses internet or digital services (unverified reading)."""
    deprived = ~(nw.col("uses_internet") | nw.col("uses_digital_services"))
    return Deprivation(deprived, attributes=("uses_internet", "uses_digital_services"))


@formula
def waste(p: Params, m: Members) -> Deprivation:
    """Decree 351/2025 (2027–2030): household waste is not collected or treated hygienically."""
    return Deprivation(~nw.col("waste_handling").is_in(p.codes("adequate_handling")), attributes=("waste_handling",))


@formula
def social_insurance(p: Params, m: Members) -> Deprivation:
    """HCMC Decision 995/QĐ-UBND, Resolution 15/2024/NQ-HĐND: a working-age member who works and earns an
    income has no social insurance."""
    working = nw.col("employment_status").is_in(p.codes("employed_statuses")) & (nw.col("monthly_income") > 0)
    deprived = m.any(working_age(p) & working & ~nw.col("has_social_insurance"))
    return Deprivation(deprived, who=_who(m))
