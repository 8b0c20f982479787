"""Alkire–Foster measures: worked examples with answers computed by hand."""

from __future__ import annotations

import math
from collections import defaultdict
from decimal import Decimal
from fractions import Fraction
from typing import Any

import polars as pl
import pytest

from ansinh.engine.af import (
    AFError,
    AlkireFoster,
    change,
    equal_nested_weights,
    mpi,
    normalise_weights,
    to_fraction,
)

THIRDS = {"a": "1/3", "b": "1/3", "c": "1/3"}


def four_people() -> pl.DataFrame:
    # p1: a,b (2/3)  p2: a,c (2/3)  p3: b (1/3)  p4: none
    return pl.DataFrame({"a": [1, 1, 0, 0], "b": [1, 0, 1, 0], "c": [0, 1, 0, 0], "ward": ["x", "x", "y", "y"]})


def test_it_computes_equal_weight_measures_by_hand() -> None:
    r = mpi(four_people(), THIRDS, "1/3")
    assert r.H == pytest.approx(3 / 4, abs=1e-15)
    assert r.M0 == pytest.approx(5 / 12, abs=1e-15)
    assert r.A == pytest.approx(5 / 9, abs=1e-15)
    assert r.uncensored_headcount == pytest.approx({"a": 1 / 2, "b": 1 / 2, "c": 1 / 4})
    assert r.censored_headcount == pytest.approx({"a": 1 / 2, "b": 1 / 2, "c": 1 / 4})
    assert r.contribution == pytest.approx({"a": 2 / 5, "b": 2 / 5, "c": 1 / 5})
    assert r.absolute_contribution == pytest.approx({"a": 1 / 6, "b": 1 / 6, "c": 1 / 12})


def test_it_counts_a_score_exactly_at_k_as_poor() -> None:
    r = mpi(four_people(), THIRDS, "2/3")
    assert r.H == pytest.approx(1 / 2)
    assert r.A == pytest.approx(2 / 3)
    assert r.M0 == pytest.approx(1 / 3)
    # p3 (deprived in b only) is no longer poor: the censored headcount of b drops, the uncensored does not
    assert r.censored_headcount == pytest.approx({"a": 1 / 2, "b": 1 / 4, "c": 1 / 4})
    assert r.uncensored_headcount["b"] == pytest.approx(1 / 2)
    assert r.contribution == pytest.approx({"a": 1 / 2, "b": 1 / 4, "c": 1 / 4})


def test_it_uses_nested_weights_from_dimensions() -> None:
    dims = {"edu1": "education", "edu2": "education", "health": "health"}
    frame = pl.DataFrame({"edu1": [1, 0, 1, 0], "edu2": [1, 0, 0, 0], "health": [0, 1, 0, 0]})
    r = mpi(frame, None, "1/2", dimensions=dims)
    assert r.weights == {"edu1": Fraction(1, 4), "edu2": Fraction(1, 4), "health": Fraction(1, 2)}
    # both education indicators (1/4 + 1/4) sit exactly at k; health alone too; one education one is below
    assert (r.H, r.A, r.M0) == pytest.approx((1 / 2, 1 / 2, 1 / 4))
    assert r.censored_headcount == pytest.approx({"edu1": 1 / 4, "edu2": 1 / 4, "health": 1 / 4})
    assert r.uncensored_headcount == pytest.approx({"edu1": 1 / 2, "edu2": 1 / 4, "health": 1 / 4})
    assert r.contribution == pytest.approx({"edu1": 1 / 4, "edu2": 1 / 4, "health": 1 / 2})


def test_it_uses_unequal_float_weights_of_thirds_and_sixths() -> None:
    weights = {"a": 1 / 3, "b": 1 / 6, "c": 1 / 6, "d": 1 / 3}
    frame = pl.DataFrame({"a": [0, 1, 0, 0], "b": [1, 0, 0, 1], "c": [1, 0, 0, 0], "d": [0, 0, 1, 0]})
    # b + c (1/6 + 1/6), a and d all sit exactly at k = 1/3; b alone (1/6) is below
    r = mpi(frame, weights, 1 / 3)
    assert r.H == pytest.approx(3 / 4)
    assert r.M0 == pytest.approx(1 / 4)
    assert r.A == pytest.approx(1 / 3)
    assert r.censored_headcount == pytest.approx({"a": 1 / 4, "b": 1 / 4, "c": 1 / 4, "d": 1 / 4})


def naive_float_score(weights: list[float], deprived: int) -> float:
    score = 0.0
    for w in weights[:deprived]:
        score += w
    return score


@pytest.mark.parametrize(
    ("n", "deprived", "k"),
    [(7, 5, "5/7"), (7, 5, 5 / 7), (7, 7, "1"), (6, 6, 1), (12, 6, "0.5"), (10, 8, "0.8"), (10, 9, 0.9)],
)
def test_it_keeps_scores_exactly_at_k_that_floating_point_sums_lose(n: int, deprived: int, k: str | float) -> None:
    names = [f"i{j}" for j in range(n)]
    weights = [1 / n] * n
    # The trap is real: adding the float weights one by one falls just below k.
    assert naive_float_score(weights, deprived) < float(Fraction(str(k)) if isinstance(k, str) else k)
    # row 0 is deprived in exactly `deprived` indicators, row 1 in one fewer
    frame = pl.DataFrame({name: [int(j < deprived), int(j < deprived - 1)] for j, name in enumerate(names)})
    r = mpi(frame, dict(zip(names, weights, strict=True)), k)
    assert r.H == pytest.approx(1 / 2)
    assert r.A == pytest.approx(deprived / n)


def test_it_compares_exactly_when_the_common_denominator_is_large() -> None:
    weights = {f"i{p}": Fraction(1, p) for p in (101, 103, 107, 109, 113)}
    weights["rest"] = 1 - sum(weights.values(), Fraction(0))
    frame = pl.DataFrame({name: [1, 1, 0] if name != "i101" else [1, 0, 0] for name in weights})
    af = AlkireFoster(frame, weights)
    assert af.denominator > 2**32  # integer scores beyond Int32
    all_but_first = 1 - weights["i101"]
    results = af.measure_many([1, all_but_first, all_but_first + Fraction(1, 10**15)])
    assert [round(r.H * 3) for r in results.values()] == [1, 2, 1]


def test_it_normalises_custom_weights() -> None:
    assert normalise_weights({"a": 2, "b": "1", "c": Decimal("1")}) == {
        "a": Fraction(1, 2),
        "b": Fraction(1, 4),
        "c": Fraction(1, 4),
    }
    frame = pl.DataFrame({"a": [1, 0], "b": [0, 1], "c": [0, 1]})
    r = mpi(frame, {"a": 2, "b": 1, "c": 1}, "1/2")
    assert (r.H, r.M0) == pytest.approx((1.0, 1 / 2))
    assert r.contribution == pytest.approx({"a": 1 / 2, "b": 1 / 4, "c": 1 / 4})


def test_it_reads_k_as_decimal_fraction_or_number() -> None:
    assert to_fraction("1/3") == Fraction(1, 3)
    assert to_fraction(" 2 / 6 ") == Fraction(1, 3)
    assert to_fraction("0.33") == Fraction(33, 100)
    assert to_fraction(0.3333333333333333) == Fraction(1, 3)
    assert to_fraction(Decimal("0.25")) == Fraction(1, 4)
    assert to_fraction(1) == Fraction(1)
    assert equal_nested_weights({"a": "x", "b": "y", "c": "y"})["a"] == Fraction(1, 2)


def test_it_decomposes_by_subgroup() -> None:
    r = mpi(four_people(), THIRDS, "1/3", by="ward")
    x, y = r.groups["x"], r.groups["y"]
    assert (x.H, x.A, x.M0) == pytest.approx((1.0, 2 / 3, 2 / 3))
    assert (y.H, y.A, y.M0) == pytest.approx((1 / 2, 1 / 3, 1 / 6))
    assert x.population_share == pytest.approx(1 / 2)
    assert y.population_share == pytest.approx(1 / 2)
    assert x.share_of_M0 == pytest.approx(4 / 5)
    assert y.share_of_M0 == pytest.approx(1 / 5)
    assert y.contribution == pytest.approx({"a": 0.0, "b": 1.0, "c": 0.0})
    assert x.population_share * x.M0 + y.population_share * y.M0 == pytest.approx(r.M0)


def test_it_weights_rows_by_population() -> None:
    frame = four_people().with_columns(size=pl.Series([3, 1, 2, 4]))
    r = mpi(frame, THIRDS, "1/3", population_weight="size", by="ward")
    # 10 people: poor are 3 (2/3) + 1 (2/3) + 2 (1/3)
    assert r.H == pytest.approx(6 / 10)
    assert r.M0 == pytest.approx((3 * 2 / 3 + 1 * 2 / 3 + 2 * 1 / 3) / 10)
    assert r.A == pytest.approx((3 * 2 / 3 + 1 * 2 / 3 + 2 * 1 / 3) / 6)
    assert r.uncensored_headcount == pytest.approx({"a": 4 / 10, "b": 5 / 10, "c": 1 / 10})
    assert r.groups["x"].population_share == pytest.approx(4 / 10)
    assert r.population == 10
    assert r.observations == 4
    # the same as repeating each row as many times as its weight, for every point estimate
    repeated = four_people().select(pl.all().repeat_by(pl.Series([3, 1, 2, 4])).explode())
    flat = mpi(repeated, THIRDS, "1/3", by="ward")
    assert (flat.H, flat.A, flat.M0) == pytest.approx((r.H, r.A, r.M0))
    assert flat.groups["y"].censored_headcount == pytest.approx(r.groups["y"].censored_headcount)


def test_it_measures_several_cutoffs_from_one_pass() -> None:
    af = AlkireFoster(four_people(), THIRDS)
    results = af.measure_many(["1/3", "2/3", 1])
    assert [round(r.H, 12) for r in results.values()] == [0.75, 0.5, 0.0]
    assert results[Fraction(1)].A == 0.0
    assert results[Fraction(1)].contribution == {"a": 0.0, "b": 0.0, "c": 0.0}


def test_it_reports_change_between_periods() -> None:
    before = mpi(four_people(), THIRDS, "1/3")
    after = mpi(four_people().with_columns(c=pl.lit(0), b=pl.Series([1, 0, 0, 0])), THIRDS, "1/3")
    # after: p1 (a,b) 2/3, p2 (a) 1/3 → H = 1/2, M0 = 1/4
    diff = change(before, after, years=2)
    assert diff["H"].absolute == pytest.approx(-1 / 4)
    assert diff["H"].relative == pytest.approx(-1 / 3)
    assert diff["H"].annualised_absolute == pytest.approx(-1 / 8)
    assert diff["H"].annualised_relative == pytest.approx(math.sqrt(2 / 3) - 1)
    assert diff["M0"].absolute == pytest.approx(1 / 4 - 5 / 12)
    assert diff["censored_headcount"]["c"].absolute == pytest.approx(-1 / 4)
    assert diff["M0"].se == pytest.approx(math.hypot(before.se["M0"], after.se["M0"]))


def test_it_gives_the_textbook_srs_standard_error() -> None:
    r = mpi(four_people(), THIRDS, "1/3")
    n = 4
    assert r.se["H"] == pytest.approx(math.sqrt(r.H * (1 - r.H) / (n - 1)))
    h = r.uncensored_headcount["c"]
    assert r.se["uncensored_headcount"]["c"] == pytest.approx(math.sqrt(h * (1 - h) / (n - 1)))


def _reference_se(rows: list[dict[str, Any]], y: str, x: str, domain: str | None) -> float:
    """Linearised SE of Σpy/Σpx over a domain, stratified with-replacement PSUs, computed row by row."""

    def inside(row: dict[str, Any]) -> float:
        return 1.0 if domain is None or row["g"] == domain else 0.0

    big_y = sum(r["p"] * r[y] * inside(r) for r in rows)
    big_x = sum(r["p"] * r[x] * inside(r) for r in rows)
    ratio = big_y / big_x
    psu_totals: dict[tuple[float, float], float] = defaultdict(float)
    for r in rows:
        psu_totals[(r["h"], r["psu"])] += r["p"] * inside(r) * (r[y] - ratio * r[x]) / big_x
    by_stratum: dict[float, list[float]] = defaultdict(list)
    for (h, _), z in psu_totals.items():
        by_stratum[h].append(z)
    variance = 0.0
    for zs in by_stratum.values():
        n = len(zs)
        if n > 1:
            mean = sum(zs) / n
            variance += n / (n - 1) * sum((z - mean) ** 2 for z in zs)
    return math.sqrt(variance)


def test_it_linearises_standard_errors_over_strata_and_psus() -> None:
    frame = pl.DataFrame(
        {
            "a": [1, 1, 0, 0, 1, 0, 1, 1, 0, 1, 0, 0],
            "b": [1, 0, 1, 0, 1, 1, 0, 1, 0, 0, 1, 0],
            "c": [0, 1, 0, 0, 1, 0, 0, 1, 1, 0, 0, 1],
            "p": [1.5, 2.0, 1.0, 3.0, 2.5, 1.0, 1.0, 2.0, 4.0, 1.0, 2.0, 1.5],
            "h": [1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2],
            "psu": [1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 7],
            "g": ["x", "y", "x", "x", "y", "y", "x", "y", "y", "x", "x", "y"],
        }
    )
    r = mpi(frame, THIRDS, "1/3", population_weight="p", strata="h", psu="psu", by="g")
    scores = [(a + b + c) / 3 for a, b, c in zip(frame["a"], frame["b"], frame["c"], strict=True)]
    rows = [
        {
            **row,
            "one": 1.0,
            "poor": float(s >= 1 / 3 - 1e-12),
            "cp": s * (s >= 1 / 3 - 1e-12),
            "ak": row["a"] * float(s >= 1 / 3 - 1e-12),
        }
        for row, s in zip(frame.to_dicts(), scores, strict=True)
    ]
    for domain, result in [(None, r), ("x", r.groups["x"]), ("y", r.groups["y"])]:
        assert result.se["H"] == pytest.approx(_reference_se(rows, "poor", "one", domain), rel=1e-12)
        assert result.se["M0"] == pytest.approx(_reference_se(rows, "cp", "one", domain), rel=1e-12)
        assert result.se["A"] == pytest.approx(_reference_se(rows, "cp", "poor", domain), rel=1e-12)
        assert result.se["uncensored_headcount"]["b"] == pytest.approx(
            _reference_se(rows, "b", "one", domain), rel=1e-12
        )
        assert result.se["censored_headcount"]["a"] == pytest.approx(
            _reference_se(rows, "ak", "one", domain), rel=1e-12
        )
    assert r.se["H"] > 0


def test_it_produces_a_tidy_frame() -> None:
    out = mpi(four_people(), THIRDS, "1/3", by="ward").to_frame()
    m0 = out.filter(pl.col("measure") == "M0", pl.col("group").is_null())["b"].item()
    assert m0 == pytest.approx(5 / 12)
    assert set(out["group"].drop_nulls()) == {"x", "y"}
    assert out.filter(pl.col("measure") == "pctb", pl.col("group") == "x")["b"].sum() == pytest.approx(1)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"k": "0"}, "k must be"),
        ({"k": "1.5"}, "k must be"),
        ({"k": "33"}, "k must be"),
        ({"k": "1/0"}, "zero denominator"),
        ({"k": "one third"}, "not a number"),
        ({"k": "1/3/4"}, "not a fraction"),
        ({"weights": {"a": 1, "zz": 1}}, "zz"),
        ({"weights": {"a": 0, "b": 1}}, "must be positive"),
        ({"weights": {"a": "x"}}, "weight of 'a'"),
        ({"by": "nope"}, "nope"),
        ({"population_weight": "nope"}, "nope"),
    ],
)
def test_it_refuses_bad_input_with_a_clear_message(kwargs: dict[str, object], message: str) -> None:
    args: dict[str, object] = {"weights": THIRDS, "k": "1/3", **kwargs}
    with pytest.raises(AFError, match=message):
        mpi(four_people(), **args)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "column", [pl.Series("a", [1, 2, 0, 0]), pl.Series("a", [1, None, 0, 0]), pl.Series("a", ["1", "0", "0", "0"])]
)
def test_it_refuses_indicator_values_other_than_0_and_1(column: pl.Series) -> None:
    with pytest.raises(AFError, match="only 0 or 1"):
        mpi(four_people().with_columns(column), THIRDS, "1/3")


def test_it_refuses_negative_population_weights() -> None:
    with pytest.raises(AFError, match="non-negative"):
        mpi(four_people().with_columns(w=pl.Series([1, -1, 1, 1])), THIRDS, "1/3", population_weight="w")
