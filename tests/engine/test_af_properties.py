"""Alkire–Foster measures: properties that hold for every deprivation matrix, weights and cut-off."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ansinh.engine.af import AFResult, mpi

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@dataclass(frozen=True)
class Case:
    frame: pl.DataFrame
    weights: dict[str, int]
    k: Fraction

    @property
    def indicators(self) -> list[str]:
        return list(self.weights)


@st.composite
def cases(draw: st.DrawFn) -> Case:
    n_ind = draw(st.integers(1, 6))
    n_rows = draw(st.integers(1, 30))
    names = [f"i{j}" for j in range(n_ind)]
    weights = {name: draw(st.integers(1, 12)) for name in names}
    columns: dict[str, list[object]] = {
        name: draw(st.lists(st.integers(0, 1), min_size=n_rows, max_size=n_rows)) for name in names
    }
    columns["g"] = draw(st.lists(st.sampled_from(["x", "y", "z"]), min_size=n_rows, max_size=n_rows))
    columns["p"] = draw(st.lists(st.integers(1, 5), min_size=n_rows, max_size=n_rows))
    denominator = draw(st.integers(1, 12))
    k = Fraction(draw(st.integers(1, denominator)), denominator)
    return Case(pl.DataFrame(columns), weights, k)


def measure(case: Case, frame: pl.DataFrame | None = None, k: Fraction | None = None) -> AFResult:
    return mpi(
        case.frame if frame is None else frame, case.weights, case.k if k is None else k, by="g", population_weight="p"
    )


@SETTINGS
@given(cases())
def test_it_keeps_m0_equal_to_h_times_a(case: Case) -> None:
    r = measure(case)
    assert r.M0 == pytest.approx(r.H * r.A, abs=1e-12)
    for group in r.groups.values():
        assert group.M0 == pytest.approx(group.H * group.A, abs=1e-12)


@SETTINGS
@given(cases())
def test_it_makes_contributions_add_up(case: Case) -> None:
    r = measure(case)
    assert sum(r.absolute_contribution.values()) == pytest.approx(r.M0, abs=1e-12)
    if r.M0 > 0:
        assert sum(r.contribution.values()) == pytest.approx(1.0, abs=1e-12)
        assert sum(g.share_of_M0 for g in r.groups.values()) == pytest.approx(1.0, abs=1e-12)
    for ind in case.indicators:
        assert 0 <= r.censored_headcount[ind] <= r.uncensored_headcount[ind] + 1e-15


@SETTINGS
@given(cases())
def test_it_makes_subgroup_m0_weighted_by_population_share_equal_the_total(case: Case) -> None:
    r = measure(case)
    assert sum(g.population_share for g in r.groups.values()) == pytest.approx(1.0, abs=1e-12)
    assert sum(g.population_share * g.M0 for g in r.groups.values()) == pytest.approx(r.M0, abs=1e-12)
    assert sum(g.population_share * g.H for g in r.groups.values()) == pytest.approx(r.H, abs=1e-12)


@SETTINGS
@given(cases(), st.data())
def test_it_never_lowers_m0_when_a_deprivation_is_added(case: Case, data: st.DataObject) -> None:
    row = data.draw(st.integers(0, case.frame.height - 1))
    ind = data.draw(st.sampled_from(case.indicators))
    worse = case.frame.with_columns(pl.when(pl.int_range(pl.len()) == row).then(1).otherwise(pl.col(ind)).alias(ind))
    before, after = measure(case), measure(case, worse)
    assert after.M0 >= before.M0 - 1e-12
    assert after.H >= before.H - 1e-12


@SETTINGS
@given(cases(), st.data())
def test_it_counts_a_unit_whose_score_is_exactly_k_as_poor(case: Case, data: st.DataObject) -> None:
    row = data.draw(st.integers(0, case.frame.height - 1))
    values = case.frame.row(row, named=True)
    total = sum(case.weights.values())
    score = Fraction(sum(w for ind, w in case.weights.items() if values[ind]), total)
    if score == 0:
        return
    r = measure(case, k=score)
    alone = case.frame.filter(pl.int_range(pl.len()) == row)
    assert measure(case, alone, k=score).H == 1.0
    assert r.H * r.population >= values["p"] - 1e-9


@SETTINGS
@given(cases(), st.integers(1, 12))
def test_it_never_raises_h_or_m0_when_k_rises(case: Case, step: int) -> None:
    higher = min(Fraction(1), case.k + Fraction(step, 12))
    low, high = measure(case), measure(case, k=higher)
    assert high.H <= low.H + 1e-12
    assert high.M0 <= low.M0 + 1e-12
