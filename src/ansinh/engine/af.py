"""Alkire–Foster multidimensional poverty measures over a deprivation frame.

The input is a frame with one 0/1 column per indicator (1 = deprived), and optionally a group column,
a population weight column (people represented by the row: 1 per person, household size for
person-weighted measures on a household frame, a survey expansion factor), a stratum and a PSU column.

A unit is *poor* when its weighted deprivation score is at least ``k`` (a share of the total weight).
The comparison is exact: weights and ``k`` are rationals, scaled to integers over a common denominator,
so a score of exactly ``k`` (``1/3 + 1/6 + 1/6 + 1/3`` and so on) is never lost to rounding.

The computation collapses the frame once into cells (stratum × PSU × group × deprivation profile) with
the sum of weights and of squared weights; every measure, every ``k``, every subgroup and every standard
error is then computed from those cells, never from the rows again.

Measures (Alkire, Foster, Seth, Santos, Roche and Ballon, *Multidimensional Poverty Measurement and
Analysis*, OUP 2015, ch. 5, 8 and 9): ``H`` the headcount ratio, ``A`` the intensity (average score of
the poor), ``M0 = H × A`` the adjusted headcount ratio; uncensored and censored headcount ratios per
indicator; absolute (``w_j × h_j(k)``) and percentage contributions; subgroup decomposition; change over
time. Standard errors are design-based Taylor linearisation of ratios of totals, with-replacement PSUs
(Stata's ``svy`` default); without strata and PSU every row is its own PSU (simple random sampling).

>>> import polars as pl
>>> frame = pl.DataFrame({"a": [1, 1, 0, 0], "b": [1, 0, 1, 0], "c": [0, 1, 0, 0]})
>>> r = mpi(frame, {"a": "1/3", "b": "1/3", "c": "1/3"}, "1/3")
>>> r.H, r.A, r.M0
(0.75, 0.5555555555555556, 0.4166666666666667)
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any, TypeAlias

import polars as pl

__all__ = [
    "AFError",
    "AFResult",
    "AlkireFoster",
    "Change",
    "FractionLike",
    "change",
    "equal_nested_weights",
    "mpi",
    "normalise_weights",
    "to_fraction",
]

FractionLike: TypeAlias = Fraction | Decimal | int | float | str

# A float (or a decimal literal with this many significant digits) is taken to be a rounded rational and
# read as the simplest fraction with a denominator up to _SNAP_DENOMINATOR within one unit of its last
# digit: 0.3333333333333333 is 1/3, 0.14285714285714285 is 1/7. Shorter literals (0.33) are exact.
_SNAP_DIGITS = 15
_SNAP_DENOMINATOR = 10**6
# Scores are integers over a common denominator; products must stay inside Int64.
_INT64_LIMIT = 2**62

_STRATUM = "__af_stratum"
_PSU = "__af_psu"
_GROUP = "__af_group"
_MASK = "__af_mask"
_W1 = "__af_w1"
_W2 = "__af_w2"
_N = "__af_n"
_SCORE = "__af_score"
_FRACTION_RE = re.compile(r"^\s*([+-]?\d+)\s*/\s*(\d+)\s*$")


class AFError(ValueError):
    """Bad input to the Alkire–Foster measures; the message is meant for the user."""


# ---------------------------------------------------------------------------------------------------------
# Exact numbers


def _snap_decimal(text: str) -> Fraction:
    try:
        dec = Decimal(text)
    except InvalidOperation as exc:
        raise AFError(f"not a number or a fraction: {text!r}") from exc
    if not dec.is_finite():
        raise AFError(f"not a finite number: {text!r}")
    exact = Fraction(dec)
    _sign, digits, exponent = dec.as_tuple()
    significant = len(str(int("".join(map(str, digits)) or "0")))
    if significant >= _SNAP_DIGITS and isinstance(exponent, int):
        snapped = exact.limit_denominator(_SNAP_DENOMINATOR)
        if abs(snapped - exact) <= Fraction(10) ** exponent:
            return snapped
    return exact


def to_fraction(value: FractionLike) -> Fraction:
    """Read a weight or a cut-off exactly.

    Accepts a ``Fraction``, an ``int``, a ``Decimal``, a decimal string (``"0.25"``), a fraction string
    (``"1/3"``) or a float. A float, or a decimal of 15 or more significant digits, is read as the simplest
    fraction (denominator up to 10⁶) within one unit of its last digit, so ``1/3`` written as
    ``0.3333333333333333`` is exactly one third.

    >>> to_fraction("1/3"), to_fraction("0.25"), to_fraction(1 / 7), to_fraction("0.33")
    (Fraction(1, 3), Fraction(1, 4), Fraction(1, 7), Fraction(33, 100))
    """
    if isinstance(value, bool):
        raise AFError(f"not a number: {value!r}")
    if isinstance(value, Fraction):
        return value
    if isinstance(value, int):
        return Fraction(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise AFError(f"not a finite number: {value!r}")
        return _snap_decimal(repr(value))
    if isinstance(value, Decimal):
        return _snap_decimal(str(value))
    if isinstance(value, str):
        match = _FRACTION_RE.match(value)
        if match:
            denominator = int(match.group(2))
            if denominator == 0:
                raise AFError(f"fraction with a zero denominator: {value!r}")
            return Fraction(int(match.group(1)), denominator)
        if "/" in value:
            raise AFError(f"not a fraction: {value!r} (write it as 1/3)")
        return _snap_decimal(value.strip())
    raise AFError(f"not a number: {value!r}")


def _parse_k(value: FractionLike) -> Fraction:
    k = to_fraction(value)
    if not (0 < k <= 1):
        raise AFError(f"k must be a share of the total weight in (0, 1], got {value!r}")
    return k


def normalise_weights(weights: Mapping[str, FractionLike]) -> dict[str, Fraction]:
    """Indicator weights as exact fractions summing to 1.

    >>> normalise_weights({"a": 1, "b": 1, "c": 2})
    {'a': Fraction(1, 4), 'b': Fraction(1, 4), 'c': Fraction(1, 2)}
    """
    if not weights:
        raise AFError("no indicator weights given")
    exact: dict[str, Fraction] = {}
    for name, raw in weights.items():
        try:
            value = to_fraction(raw)
        except AFError as exc:
            raise AFError(f"weight of {name!r}: {exc}") from None
        if value <= 0:
            raise AFError(f"weight of {name!r} must be positive, got {raw!r}")
        exact[name] = value
    total = sum(exact.values(), Fraction(0))
    return {name: value / total for name, value in exact.items()}


def equal_nested_weights(dimensions: Mapping[str, str]) -> dict[str, Fraction]:
    """Equal weights across dimensions, then equal within each dimension.

    ``dimensions`` maps each indicator to its dimension (``standard.dimensions``).

    >>> equal_nested_weights({"a": "health", "b": "health", "c": "work"})
    {'a': Fraction(1, 4), 'b': Fraction(1, 4), 'c': Fraction(1, 2)}
    """
    if not dimensions:
        raise AFError("no indicators given")
    sizes: dict[str, int] = {}
    for dimension in dimensions.values():
        sizes[dimension] = sizes.get(dimension, 0) + 1
    return {ind: Fraction(1, len(sizes) * sizes[dim]) for ind, dim in dimensions.items()}


def _fraction_text(value: Fraction) -> str:
    return str(value.numerator) if value.denominator == 1 else f"{value.numerator}/{value.denominator}"


# ---------------------------------------------------------------------------------------------------------
# Results


@dataclass(frozen=True)
class AFResult:
    """Alkire–Foster measures for one cut-off ``k`` and one population (the whole frame or one subgroup).

    ``contribution`` is the share of ``M0`` due to each indicator (sums to 1 when ``M0 > 0``; all 0 when
    nobody is poor); ``absolute_contribution`` is ``w_j × h_j(k)`` (sums to ``M0``). ``A`` is 0 when
    nobody is poor. ``se`` holds standard errors of ``H``, ``A``, ``M0`` and of both headcount ratios.
    For a subgroup, ``population_share`` is its share of the population and ``share_of_M0`` its
    contribution to the total ``M0`` (both sum to 1 over the groups); ``groups`` is filled only on the
    total, keyed by the group value.
    """

    k: Fraction
    H: float
    A: float
    M0: float
    uncensored_headcount: dict[str, float]
    censored_headcount: dict[str, float]
    contribution: dict[str, float]
    absolute_contribution: dict[str, float]
    se: dict[str, Any]
    population: float
    observations: int
    weights: dict[str, Fraction]
    population_share: float = 1.0
    share_of_M0: float = 1.0
    by: str | None = None
    groups: dict[Any, AFResult] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: the keys of ``ansinh mpi --json`` (group keys become strings)."""
        out: dict[str, Any] = {
            "k": _fraction_text(self.k),
            "H": self.H,
            "A": self.A,
            "M0": self.M0,
            "uncensored_headcount": dict(self.uncensored_headcount),
            "censored_headcount": dict(self.censored_headcount),
            "contribution": dict(self.contribution),
            "absolute_contribution": dict(self.absolute_contribution),
            "se": {key: dict(value) if isinstance(value, dict) else value for key, value in self.se.items()},
            "population": self.population,
            "observations": self.observations,
        }
        if self.by is not None:
            out["by"] = self.by
            out["groups"] = {}
            for value, group in self.groups.items():
                entry = group.to_dict()
                entry["population_share"] = group.population_share
                entry["share_of_M0"] = group.share_of_M0
                out["groups"][_group_key(value)] = entry
        return out

    def to_frame(self) -> pl.DataFrame:
        """One row per estimate: ``group``, ``measure``, ``indicator``, ``b``, ``se`` (tidy, like mpitb)."""
        rows: list[dict[str, Any]] = []
        populations = [(None, self)] + [(_group_key(v), g) for v, g in self.groups.items()]
        for group, result in populations:
            for name in ("H", "A", "M0"):
                rows.append(
                    {
                        "group": group,
                        "measure": name,
                        "indicator": None,
                        "b": getattr(result, name),
                        "se": result.se[name],
                    }
                )
            for measure, values, errors in (
                ("hd", result.uncensored_headcount, result.se["uncensored_headcount"]),
                ("hdk", result.censored_headcount, result.se["censored_headcount"]),
                ("actb", result.absolute_contribution, None),
                ("pctb", result.contribution, None),
            ):
                for indicator, b in values.items():
                    rows.append(
                        {
                            "group": group,
                            "measure": measure,
                            "indicator": indicator,
                            "b": b,
                            "se": None if errors is None else errors[indicator],
                        }
                    )
        schema = {"group": pl.String, "measure": pl.String, "indicator": pl.String, "b": pl.Float64, "se": pl.Float64}
        return pl.DataFrame(rows, schema=schema).with_columns(k=pl.lit(_fraction_text(self.k)))


def _group_key(value: Any) -> str:
    return "null" if value is None else str(value)


@dataclass(frozen=True)
class Change:
    """Change of one measure between two periods.

    ``absolute = x1 − x0``; ``relative = (x1 − x0) / x0``; with ``years`` between the periods,
    ``annualised_absolute = (x1 − x0) / years`` and ``annualised_relative = (x1 / x0)^(1/years) − 1``
    (Alkire et al. 2015, §9.1). ``se`` of the absolute change assumes independent samples.
    """

    before: float
    after: float
    absolute: float
    relative: float | None
    annualised_absolute: float | None
    annualised_relative: float | None
    se: float | None


def _change_of(before: float, after: float, years: float | None, se0: float | None, se1: float | None) -> Change:
    absolute = after - before
    relative = absolute / before if before else None
    annual_abs = absolute / years if years else None
    annual_rel = (after / before) ** (1 / years) - 1 if years and before else None
    se = math.sqrt(se0**2 + se1**2) if se0 is not None and se1 is not None else None
    return Change(before, after, absolute, relative, annual_abs, annual_rel, se)


def change(before: AFResult, after: AFResult, years: float | None = None) -> dict[str, Any]:
    """Change of ``H``, ``A``, ``M0`` and of both headcount ratios between two periods.

    ``years`` is the time between them (for the annualised changes). Both results must use the same
    indicators; the two periods are taken to be independent samples for the standard errors.
    """
    if set(before.uncensored_headcount) != set(after.uncensored_headcount):
        raise AFError("the two periods do not have the same indicators")
    if years is not None and years <= 0:
        raise AFError("years between the periods must be positive")
    out: dict[str, Any] = {
        name: _change_of(getattr(before, name), getattr(after, name), years, before.se[name], after.se[name])
        for name in ("H", "A", "M0")
    }
    for key in ("uncensored_headcount", "censored_headcount"):
        b, a = getattr(before, key), getattr(after, key)
        out[key] = {ind: _change_of(b[ind], a[ind], years, before.se[key][ind], after.se[key][ind]) for ind in b}
    return out


# ---------------------------------------------------------------------------------------------------------
# Computation


def _bit(j: int) -> pl.Expr:
    """Indicator ``j`` of the deprivation profile (a bit mask)."""
    return (pl.col(_MASK) // (1 << j)) % 2


def _pair(a: str, b: str) -> tuple[str, str]:
    """The canonical (sorted) name of a cross sum."""
    return (a, b) if a <= b else (b, a)


def _pairs(ratios: Mapping[str, tuple[str, str]]) -> list[tuple[str, str]]:
    """Every cross sum the variances of ``ratios`` need: (y, y), (x, x) and (x, y)."""
    found = {_pair(v, v) for pair in ratios.values() for v in pair}
    found |= {_pair(y, x) for y, x in ratios.values()}
    return sorted(found)


def _check_columns(frame_columns: Sequence[str], needed: Iterable[str], what: str) -> None:
    missing = [c for c in needed if c not in frame_columns]
    if missing:
        raise AFError(f"{what} not in the deprivation frame: {', '.join(missing)}")


class AlkireFoster:
    """A deprivation frame prepared for Alkire–Foster measures at any number of cut-offs.

    The frame is read once here (validated and collapsed into cells); :meth:`measure` and
    :meth:`measure_many` then work on the cells only.

    ``weights`` maps indicator columns to weights (normalised to sum 1); without it, ``dimensions``
    (indicator → dimension) gives equal weights across dimensions and equal within each; with neither,
    ``indicators`` get equal weights.
    """

    def __init__(
        self,
        frame: pl.DataFrame | pl.LazyFrame,
        weights: Mapping[str, FractionLike] | None = None,
        *,
        dimensions: Mapping[str, str] | None = None,
        indicators: Sequence[str] | None = None,
        by: str | None = None,
        population_weight: str | None = None,
        strata: str | None = None,
        psu: str | None = None,
    ) -> None:
        if weights is not None:
            self.weights = normalise_weights(weights)
        elif dimensions is not None:
            self.weights = equal_nested_weights(dimensions)
        elif indicators:
            self.weights = {ind: Fraction(1, len(indicators)) for ind in indicators}
        else:
            raise AFError("give weights, an indicator → dimension map, or the indicator columns")
        self.indicators = list(self.weights)
        if len(self.indicators) > 62:
            raise AFError("at most 62 indicators")
        self.by = by
        self.population_weight = population_weight
        self.strata = strata
        self.psu = psu
        lazy = frame.lazy() if isinstance(frame, pl.DataFrame) else frame
        columns = lazy.collect_schema().names()
        _check_columns(columns, self.indicators, "weighted indicators")
        for option, column in (
            ("--by", by),
            ("population weight", population_weight),
            ("strata", strata),
            ("psu", psu),
        ):
            if column is not None:
                _check_columns(columns, [column], f"{option} column")
        if strata is not None and psu is None:
            raise AFError("strata need a PSU column")
        self.denominator = math.lcm(*(w.denominator for w in self.weights.values()))
        if self.denominator > _INT64_LIMIT:
            raise AFError("weights too fine-grained to compare scores exactly; round them")
        self.integer_weights = {ind: int(w * self.denominator) for ind, w in self.weights.items()}
        self._cells = self._collapse(lazy)
        if self._cells.height == 0:
            raise AFError("the deprivation frame has no rows")

    # -- preparation ----------------------------------------------------------------------------------

    def _validate(self, lazy: pl.LazyFrame) -> None:
        schema = lazy.collect_schema()
        bad_types = [ind for ind in self.indicators if not (schema[ind].is_numeric() or schema[ind] == pl.Boolean)]
        if bad_types:
            raise AFError(f"indicator columns must hold only 0 or 1 (not text): {', '.join(bad_types)}")
        checks = [
            (pl.col(ind).is_not_null() if schema[ind] == pl.Boolean else (pl.col(ind) == 0) | (pl.col(ind) == 1))
            .fill_null(False)
            .all()
            .alias(ind)
            for ind in self.indicators
        ]
        if self.population_weight is not None:
            if not schema[self.population_weight].is_numeric():
                raise AFError(f"population weight column {self.population_weight!r} must be numeric")
            pw = pl.col(self.population_weight)
            checks.append(((pw >= 0) & pw.is_not_null() & pw.is_finite()).all().alias("__pw"))
        try:
            result = lazy.select(checks).collect().row(0, named=True)
        except pl.exceptions.PolarsError as exc:
            raise AFError(f"cannot read the indicator columns as 0/1 numbers: {exc}") from None
        bad = [ind for ind in self.indicators if not result[ind]]
        if bad:
            raise AFError(f"indicator columns must hold only 0 or 1 (no blanks): {', '.join(bad)}")
        if self.population_weight is not None and not result["__pw"]:
            raise AFError(
                f"population weight column {self.population_weight!r} must be a non-negative number on every row"
            )

    def _collapse(self, lazy: pl.LazyFrame) -> pl.DataFrame:
        self._validate(lazy)
        # Int32 arithmetic is several times faster than Int64 here; masks of up to 30 indicators fit.
        mask_type = pl.Int32 if len(self.indicators) <= 30 else pl.Int64
        mask: pl.Expr | None = None
        for j, ind in enumerate(self.indicators):
            term = pl.col(ind).cast(mask_type) * pl.lit(1 << j, dtype=mask_type)
            mask = term if mask is None else mask + term
        assert mask is not None
        pw = pl.lit(1.0) if self.population_weight is None else pl.col(self.population_weight)
        pw = pw.cast(pl.Float64)
        keys: list[pl.Expr] = [
            (pl.lit(0) if self.strata is None else pl.col(self.strata)).alias(_STRATUM),
            (pl.lit(None) if self.by is None else pl.col(self.by)).alias(_GROUP),
        ]
        if self.psu is not None:
            keys.append(pl.col(self.psu).alias(_PSU))
        cells = (
            lazy.select([*keys, mask.alias(_MASK), pw.alias(_W1)])
            .group_by([_STRATUM, _GROUP, *([_PSU] if self.psu is not None else []), _MASK])
            .agg(pl.col(_W1).sum(), (pl.col(_W1) * pl.col(_W1)).sum().alias(_W2), pl.len().alias(_N))
            .collect()
        )
        score = pl.sum_horizontal(
            [
                _bit(j).cast(pl.Int64) * pl.lit(self.integer_weights[ind], dtype=pl.Int64)
                for j, ind in enumerate(self.indicators)
            ]
        )
        bits = [_bit(j).cast(pl.Float64).alias(f"__af_d{j}") for j in range(len(self.indicators))]
        return cells.with_columns(score.cast(pl.Int64).alias(_SCORE), *bits)

    # -- measures ---------------------------------------------------------------------------------------

    def measure(self, k: FractionLike) -> AFResult:
        """All measures at cut-off ``k`` (a share of the total weight in (0, 1])."""
        return self._measure(_parse_k(k))

    def measure_many(self, ks: Iterable[FractionLike]) -> dict[Fraction, AFResult]:
        """All measures at several cut-offs, keyed by the exact ``k``."""
        parsed = [_parse_k(k) for k in ks]
        return {k: self._measure(k) for k in parsed}

    def _measure(self, k: Fraction) -> AFResult:
        # score / D ≥ k  ⇔  score ≥ k·D  ⇔  score ≥ ⌈k·D⌉ for an integer score: exact, and no overflow.
        threshold = math.ceil(k * self.denominator)
        n_ind = len(self.indicators)
        poor = (pl.col(_SCORE) >= pl.lit(threshold, dtype=pl.Int64)).cast(pl.Float64)
        # Unit-level variables whose population-weighted totals make every measure. The score stays an
        # integer (of 1/denominator units) until the end, so sums of scores are exact as long as possible.
        # Every variable but "cp" is 0/1.
        score = pl.col(_SCORE).cast(pl.Float64)
        variables: dict[str, pl.Expr] = {"one": pl.lit(1.0), "poor": poor, "cp": poor * score}
        for j in range(n_ind):
            d = pl.col(f"__af_d{j}")
            variables[f"d{j}"] = d
            variables[f"dk{j}"] = d * poor
        # Ratios (numerator, denominator) estimated with a standard error.
        ratios: dict[str, tuple[str, str]] = {"H": ("poor", "one"), "M0": ("cp", "one"), "A": ("cp", "poor")}
        for j in range(n_ind):
            ratios[f"h{j}"] = (f"d{j}", "one")
            ratios[f"hk{j}"] = (f"dk{j}", "one")

        base = self._cells.with_columns([e.alias(f"v_{n}") for n, e in variables.items()])
        names = list(variables)
        if self.by is None:
            only = self._finish(self._stratum_sums(base, names, ratios, grouped=False), names, ratios, grouped=False)
            return self._assemble(k, only[0], [])
        by_hg = self._stratum_sums(base, names, ratios, grouped=True)
        if self.psu is None:
            # Each unit is its own PSU and belongs to one group: the total's sums are the groups' sums.
            sums = [c for c in by_hg.columns if c not in (_STRATUM, _GROUP, "__n_h")]
            by_h = by_hg.group_by(_STRATUM).agg(pl.col(sums).sum(), pl.col("__n_h").first())
        else:
            by_h = self._stratum_sums(base, names, ratios, grouped=False)
        total = self._finish(by_h, names, ratios, grouped=False)[0]
        return self._assemble(k, total, self._finish(by_hg, names, ratios, grouped=True))

    def _stratum_sums(
        self, base: pl.DataFrame, names: Sequence[str], ratios: Mapping[str, tuple[str, str]], *, grouped: bool
    ) -> pl.DataFrame:
        """Per stratum (and group): totals ``T_v`` of every variable and the cross sums ``Q_a_b`` of PSU
        totals that the linearised variances need, plus the stratum's number of PSUs ``__n_h``."""
        group_keys = [_GROUP] if grouped else []
        if self.psu is None:
            # Every unit is its own PSU: T_v = Σ p·v and Q_a_b = Σ p²·a·b straight from the cells. The 0/1
            # variables make most cross sums equal (a·a = a·1 = a; cp·poor = cp), so only Σp²·v and
            # Σp²·cp² are computed and the Q names point at them.
            n_h = base.group_by(_STRATUM).agg(pl.col(_N).sum().alias("__n_h"))
            by_h = base.group_by([_STRATUM, *group_keys]).agg(
                [(pl.col(_W1) * pl.col(f"v_{v}")).sum().alias(f"T_{v}") for v in names]
                + [(pl.col(_W2) * pl.col(f"v_{v}")).sum().alias(f"P_{v}") for v in names]
                + [
                    (pl.col(_W2) * pl.col("v_cp") * pl.col("v_cp")).sum().alias("P_cp2"),
                    pl.col(_N).sum().alias("__obs"),
                ]
            )
            aliases = {pair: (f"P_{pair[0]}" if pair[0] != "one" else f"P_{pair[1]}") for pair in _pairs(ratios)}
            aliases[("cp", "cp")] = "P_cp2"
            aliases[("cp", "poor")] = "P_cp"
            by_h = by_h.with_columns(pl.col(col).alias(f"Q_{a}_{b}") for (a, b), col in aliases.items())
        else:
            n_h = base.group_by(_STRATUM).agg(pl.col(_PSU).n_unique().cast(pl.Int64).alias("__n_h"))
            psu_totals = base.group_by([_STRATUM, _PSU, *group_keys]).agg(
                [(pl.col(_W1) * pl.col(f"v_{v}")).sum().alias(f"T_{v}") for v in names]
                + [pl.col(_N).sum().alias("__obs")]
            )
            by_h = psu_totals.group_by([_STRATUM, *group_keys]).agg(
                [pl.col(f"T_{v}").sum() for v in names]
                + [(pl.col(f"T_{a}") * pl.col(f"T_{b}")).sum().alias(f"Q_{a}_{b}") for a, b in _pairs(ratios)]
                + [pl.col("__obs").sum()]
            )
        keep = [_STRATUM, *group_keys, *(f"T_{v}" for v in names), "__obs", *(f"Q_{a}_{b}" for a, b in _pairs(ratios))]
        return by_h.select(keep).join(n_h, on=_STRATUM, how="left")

    def _finish(
        self, by_h: pl.DataFrame, names: Sequence[str], ratios: Mapping[str, tuple[str, str]], *, grouped: bool
    ) -> list[dict[str, Any]]:
        """Point estimates and linearised standard errors of every ratio, per group (or for the total)."""
        # Population totals per group (Y, X of every ratio), then each ratio R = Y / X, materialised
        # column by column so that every expression stays small.
        total_cols = [f"T_{v}" for v in names]
        if grouped:
            totals = by_h.group_by(_GROUP).agg(pl.col(total_cols).sum().name.prefix("S"))
            by_h = by_h.join(totals, on=_GROUP, how="left", nulls_equal=True)
        else:
            by_h = by_h.with_columns(pl.col(total_cols).sum().name.prefix("S"))
        by_h = by_h.with_columns(
            pl.when(pl.col(f"ST_{x}") > 0)
            .then(pl.col(f"ST_{y}") / pl.col(f"ST_{x}"))
            .otherwise(0.0)
            .alias(f"est_{name}")
            for name, (y, x) in ratios.items()
        )
        # a stratum with a single PSU contributes no variance ("certainty")
        fpc = pl.when(pl.col("__n_h") > 1).then(pl.col("__n_h").cast(pl.Float64) / (pl.col("__n_h") - 1)).otherwise(0.0)
        by_h = by_h.with_columns(fpc.alias("__fpc"), (1.0 / pl.col("__n_h").cast(pl.Float64)).alias("__inv_n"))
        terms: list[pl.Expr] = []
        for name, (y, x) in ratios.items():
            r, ty, tx, big_x = (pl.col(f"est_{name}"), pl.col(f"T_{y}"), pl.col(f"T_{x}"), pl.col(f"ST_{x}"))
            qyy = pl.col("Q_{}_{}".format(*_pair(y, y)))
            qxx = pl.col("Q_{}_{}".format(*_pair(x, x)))
            qxy = pl.col("Q_{}_{}".format(*_pair(x, y)))
            spread = qyy - 2 * r * qxy + r * r * qxx - (ty - r * tx) ** 2 * pl.col("__inv_n")
            terms.append(
                pl.when(big_x > 0).then(pl.col("__fpc") * spread / (big_x * big_x)).otherwise(0.0).alias(f"var_{name}")
            )
        per_h = by_h.with_columns(terms)
        aggs = (
            [pl.col(f"var_{n}").sum().clip(lower_bound=0).sqrt().alias(f"se_{n}") for n in ratios]
            + [pl.col(f"est_{n}").first() for n in ratios]
            + [pl.col("T_one").sum().alias("__population"), pl.col("__obs").sum()]
        )
        if grouped:
            out = per_h.group_by(_GROUP).agg(aggs).sort(_GROUP, nulls_last=True)
        else:
            out = per_h.select(aggs)
        return out.to_dicts()

    def _assemble(self, k: Fraction, total_row: Mapping[str, Any], group_rows: Sequence[Mapping[str, Any]]) -> AFResult:
        total = self._result(k, total_row)
        if self.by is None:
            return total
        groups: dict[Any, AFResult] = {}
        for row in group_rows:
            share = row["__population"] / total.population if total.population else 0.0
            result = self._result(k, row)
            groups[row[_GROUP]] = AFResult(
                **{
                    **result.__dict__,
                    "population_share": share,
                    "share_of_M0": share * result.M0 / total.M0 if total.M0 else 0.0,
                }
            )
        return AFResult(**{**total.__dict__, "by": self.by, "groups": groups})

    def _result(self, k: Fraction, row: Mapping[str, Any]) -> AFResult:
        inds = self.indicators
        unit = self.denominator  # M0 and A were estimated in 1/denominator units of score
        m0 = float(row["est_M0"]) / unit
        h = float(row["est_H"])
        hd = {ind: float(row[f"est_h{j}"]) for j, ind in enumerate(inds)}
        hdk = {ind: float(row[f"est_hk{j}"]) for j, ind in enumerate(inds)}
        actb = {ind: float(self.weights[ind]) * hdk[ind] for ind in inds}
        pctb = {ind: (actb[ind] / m0 if m0 > 0 else 0.0) for ind in inds}
        se: dict[str, Any] = {
            "H": float(row["se_H"]),
            "A": float(row["se_A"]) / unit,
            "M0": float(row["se_M0"]) / unit,
            "uncensored_headcount": {ind: float(row[f"se_h{j}"]) for j, ind in enumerate(inds)},
            "censored_headcount": {ind: float(row[f"se_hk{j}"]) for j, ind in enumerate(inds)},
        }
        return AFResult(
            k=k,
            H=h,
            A=float(row["est_A"]) / unit if h > 0 else 0.0,
            M0=m0,
            uncensored_headcount=hd,
            censored_headcount=hdk,
            contribution=pctb,
            absolute_contribution=actb,
            se=se,
            population=float(row["__population"]),
            observations=int(row["__obs"]),
            weights=dict(self.weights),
        )


def mpi(
    frame: pl.DataFrame | pl.LazyFrame,
    weights: Mapping[str, FractionLike] | None,
    k: FractionLike,
    *,
    dimensions: Mapping[str, str] | None = None,
    indicators: Sequence[str] | None = None,
    by: str | None = None,
    population_weight: str | None = None,
    strata: str | None = None,
    psu: str | None = None,
) -> AFResult:
    """Alkire–Foster measures at one cut-off ``k``; see :class:`AlkireFoster` for the arguments."""
    return AlkireFoster(
        frame,
        weights,
        dimensions=dimensions,
        indicators=indicators,
        by=by,
        population_weight=population_weight,
        strata=strata,
        psu=psu,
    ).measure(k)
