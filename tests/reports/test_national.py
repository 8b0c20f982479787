"""The national extract's assessment and poverty facts on a Dask cluster, from the command line, equal the
same figures computed in process by the engine."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest
from django.core.management import call_command

from ansinh.engine import assess
from ansinh.synth import generate

dask = pytest.importorskip("dask")
distributed = pytest.importorskip("dask.distributed")

pytestmark = pytest.mark.filterwarnings(
    "ignore:Dask support is moving out of Narwhals:FutureWarning", "ignore::ResourceWarning"
)
WARDS = [("26734", "urban", "79"), ("27001", "rural", "79"), ("00004", "urban", "01"), ("00007", "rural", "01")]


@pytest.fixture(scope="module")
def extract(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, pl.DataFrame, pl.DataFrame]:
    households, members = generate(600, [(w, a) for w, a, _p in WARDS], seed=21)
    province = {w: p for w, _a, p in WARDS}
    root = tmp_path_factory.mktemp("national")
    hh = households.with_columns(pl.col("ward_code").replace_strict(province).alias("province"))
    mm = members.join(hh.select("household_id", "province"), on="household_id")
    hh.write_parquet(root / "households", partition_by="province")
    mm.write_parquet(root / "members", partition_by="province")
    return root, households, members


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    with distributed.LocalCluster(
        processes=False, n_workers=1, threads_per_worker=2, dashboard_address=None, scheduler_port=0
    ) as cluster:
        yield cluster.scheduler_address


def test_it_makes_the_extracts_facts_on_a_cluster_as_in_process(extract, scheduler, tmp_path) -> None:
    root, households, members = extract
    out = tmp_path / "facts.parquet"
    printed = io.StringIO()
    call_command(
        "national_facts", households=str(root / "households"), members=str(root / "members"),
        standard="vn_2022", date="2025-12-31", cluster=scheduler, out=str(out), stdout=printed,
    )  # fmt: skip
    facts = pl.read_parquet(out)
    assert set(facts["standard"]) == {"vn_2022"}  # only the standard asked: never mixed with a city's
    expected = assess(households, members, "vn_2022", dt.date(2025, 12, 31))
    by_class = expected.group_by("ward_code", "class").len().rename({"class": "category", "len": "value"})
    got = facts.filter(pl.col("measure") == "assessed").select("ward_code", "category", "value")
    assert got.sort("ward_code", "category").equals(by_class.sort("ward_code", "category").cast({"value": pl.Int64}))
    poor = expected.filter(pl.col("class") == "poor")
    indicators = [c for c in poor.columns if c.startswith("ind_")]
    deprived = poor.group_by("ward_code").agg(pl.col(indicators).cast(pl.Int64).sum())
    long = deprived.unpivot(index="ward_code", variable_name="category", value_name="value").filter(pl.col("value") > 0)
    long = long.with_columns(pl.col("category").str.strip_prefix("ind_"))
    got_dep = facts.filter(pl.col("measure") == "deprived").select("ward_code", "category", "value")
    assert got_dep.sort("ward_code", "category").equals(long.sort("ward_code", "category"))
    assert set(facts["ward_code"]) == {w for w, _a, _p in WARDS}
    assert "facts" in printed.getvalue()
