"""Cross-check of the Alkire–Foster measures against ``mpitb`` 0.2 (PyPI) on random data.

Every point estimate mpitb produces (H, A, M0; per indicator the uncensored headcount ``hd``, the censored
headcount ``hdk``, the absolute ``actb`` and percentage ``pctb`` contributions), nationally and by
subgroup, population-weighted or not, must agree to 1e-9. mpitb's standard errors are not design-based
(H: ``sqrt(H(1−H)/n)`` on the unweighted n; A and M0: Kish approximations), so they are not compared,
except the one that is the same formula up to the n/(n−1) factor: SE(H) without weights.
mpitb takes k in percent and compares floating-point scores, so cut-offs that an achievable score hits
exactly are left out (there our exact comparison is the point, tested in ``test_af.py``).
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

import numpy as np
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ansinh.engine.af import AFResult, AlkireFoster

mpitb_core = pytest.importorskip("mpitb.core", reason="mpitb (test extra) is not installed")

TOLERANCE = 1e-9


def mpitb_records(
    frame: pl.DataFrame,
    dims: dict[str, list[str]],
    weights: dict[str, Fraction],
    ks: list[int],
    population_weight: str | None,
    by: str | None,
) -> list[dict[str, Any]]:
    tb = mpitb_core.MPIToolbox()
    tb.set(name="x", dimensions=[(inds, dim) for dim, inds in dims.items()])
    if population_weight is not None:
        tb.svyset(weight=population_weight)
    records: list[dict[str, Any]] = tb.est(
        frame.to_pandas(),
        "x",
        klist=ks,
        weights={ind: float(w) for ind, w in weights.items()},
        over=[by] if by else None,
        svy=population_weight is not None,
    )
    return records


def compare(ours: AFResult, records: list[dict[str, Any]], k: int, loa: str, subgroup: object) -> int:
    """Assert every mpitb record for (k, level, subgroup) matches; return how many were compared."""
    compared = 0
    for rec in records:
        if rec["k"] != k or rec["loa"] != loa or rec.get("subg") != subgroup:
            continue
        measure, indicator, b = rec["measure"], str(rec.get("indicator")), rec["b"]
        expected: float
        if measure in ("H", "A", "M0"):
            expected = getattr(ours, measure)
        elif measure == "hd":
            expected = ours.uncensored_headcount[indicator]
        elif measure == "hdk":
            expected = ours.censored_headcount[indicator]
        elif measure == "actb":
            expected = ours.absolute_contribution[indicator]
        elif measure == "pctb":
            expected = ours.contribution[indicator]
        else:  # pragma: no cover - a measure this test does not know
            raise AssertionError(f"unknown mpitb measure {measure}")
        assert b == pytest.approx(expected, abs=TOLERANCE), (measure, indicator, loa, subgroup, k)
        compared += 1
    return compared


def cross_check(
    frame: pl.DataFrame,
    dims: dict[str, list[str]],
    raw_weights: dict[str, int] | None,
    ks: list[int],
    population_weight: str | None,
    by: str | None,
) -> None:
    indicator_dims = {ind: dim for dim, inds in dims.items() for ind in inds}
    af = AlkireFoster(frame, raw_weights, dimensions=indicator_dims, by=by, population_weight=population_weight)
    weights = af.weights
    # leave out cut-offs that some achievable score hits exactly (mpitb compares floats)
    scores = {sum((weights[i] for i in inds), Fraction(0)) for inds in _subsets(list(weights))}
    ks = [k for k in ks if Fraction(k, 100) not in scores]
    if not ks:
        return
    records = mpitb_records(frame, dims, weights, ks, population_weight, by)
    compared = 0
    for k in ks:
        ours = af.measure(Fraction(k, 100))
        compared += compare(ours, records, k, "nat", None)
        if by is not None:
            for value, group in ours.groups.items():
                compared += compare(group, records, k, by, value)
        if population_weight is None:
            n = frame.height
            se_h = next(r["se"] for r in records if r["k"] == k and r["loa"] == "nat" and r["measure"] == "H")
            assert se_h == pytest.approx(ours.se["H"] * math.sqrt((n - 1) / n), abs=TOLERANCE)
    n_ind = len(weights)
    groups = 1 + (frame[by].n_unique() if by else 0)
    assert compared == len(ks) * groups * (3 + 4 * n_ind)


def _subsets(items: list[str]) -> list[list[str]]:
    return [[x for j, x in enumerate(items) if mask >> j & 1] for mask in range(1 << len(items))]


def random_frame(rng: np.random.Generator, rows: int, indicators: list[str], groups: int) -> pl.DataFrame:
    rates = rng.uniform(0.05, 0.6, size=len(indicators))
    data: dict[str, Any] = {
        ind: (rng.random(rows) < rate).astype(np.int64) for ind, rate in zip(indicators, rates, strict=True)
    }
    data["region"] = rng.integers(0, groups, rows).astype(str)
    data["region"] = np.char.add("r", data["region"])
    data["hhsize"] = rng.integers(1, 9, rows).astype(np.float64)
    return pl.DataFrame(data)


DIMS = {
    "health": ["nutrition", "insurance"],
    "education": ["adult_edu", "school"],
    "housing": ["quality", "area"],
    "water": ["water", "toilet"],
    "info": ["telecom", "devices"],
}


@pytest.mark.parametrize("population_weight", [None, "hhsize"])
@pytest.mark.parametrize("by", [None, "region"])
def test_it_agrees_with_mpitb_with_nested_weights_on_random_data(population_weight: str | None, by: str | None) -> None:
    rng = np.random.default_rng(20260407)
    indicators = [ind for inds in DIMS.values() for ind in inds]
    frame = random_frame(rng, 3000, indicators, 6)
    cross_check(frame, DIMS, None, [10, 25, 33, 45, 55, 75, 95], population_weight, by)


def test_it_agrees_with_mpitb_with_unequal_weights_on_random_data() -> None:
    rng = np.random.default_rng(7)
    indicators = [ind for inds in DIMS.values() for ind in inds]
    frame = random_frame(rng, 2000, indicators, 4)
    raw = {ind: int(w) for ind, w in zip(indicators, rng.integers(1, 10, len(indicators)), strict=True)}
    cross_check(frame, DIMS, raw, [5, 20, 33, 40, 61, 80], "hhsize", "region")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 2**32 - 1),
    rows=st.integers(5, 300),
    n_ind=st.integers(1, 7),
    ks=st.lists(st.integers(1, 100), min_size=1, max_size=4, unique=True),
    weighted=st.booleans(),
)
def test_it_agrees_with_mpitb_on_arbitrary_random_data(
    seed: int, rows: int, n_ind: int, ks: list[int], weighted: bool
) -> None:
    rng = np.random.default_rng(seed)
    indicators = [f"i{j}" for j in range(n_ind)]
    frame = random_frame(rng, rows, indicators, 3)
    dims = {f"d{j}": indicators[j::2] for j in range(min(2, n_ind))}
    raw = {ind: int(w) for ind, w in zip(indicators, rng.integers(1, 7, n_ind), strict=True)}
    cross_check(frame, dims, raw, ks, "hhsize" if weighted else None, "region")
