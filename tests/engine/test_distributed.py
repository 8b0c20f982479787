"""The same standard definitions on Dask (through Narwhals) give exactly the in-process Polars result."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from ansinh.engine import assess, build_plan, run_portable
from ansinh.standards import load_standard
from ansinh.synth import generate

dask = pytest.importorskip("dask")
dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("dask.distributed")

pytestmark = pytest.mark.filterwarnings("ignore:Dask support is moving out of Narwhals:FutureWarning")


@pytest.fixture(scope="module")
def population() -> tuple[pl.DataFrame, pl.DataFrame]:
    households, members = generate(400, [("26734", "urban"), ("26737", "rural"), ("27001", "urban")], seed=11)
    return households, members


@pytest.fixture(scope="module")
def client() -> Iterator[object]:
    # The P2P shuffle of this dask release fails on pandas 3 frames; the task-based shuffle is exact.
    with (
        dask.config.set({"dataframe.shuffle.method": "tasks"}),
        distributed.LocalCluster(processes=False, n_workers=1, threads_per_worker=2, dashboard_address=None) as cluster,
        distributed.Client(cluster) as connected,
    ):
        yield connected


@pytest.mark.parametrize(
    ("standard", "on"),
    [("vn_2022", dt.date(2025, 12, 31)), ("hcm_2024", dt.date(2025, 12, 31)), ("vn_2027", dt.date(2027, 6, 30))],
)
def test_it_assesses_on_a_dask_cluster_exactly_as_in_process(
    population: tuple[pl.DataFrame, pl.DataFrame], client: object, standard: str, on: dt.date
) -> None:
    households, members = population
    expected = assess(households, members, standard, on).drop("assessed_on")
    plan = build_plan(load_standard(standard), on)
    lazy = run_portable(
        plan,
        dd.from_pandas(households.to_pandas(), npartitions=3),
        dd.from_pandas(members.to_pandas(), npartitions=4),
    )
    got = pl.from_pandas(lazy.compute()).sort("household_id")
    assert got.height == households.height
    assert_frame_equal(got, expected, check_exact=True)
    assert expected["class"].n_unique() >= 2  # the population is not degenerate
