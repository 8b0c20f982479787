"""National scale through the same code: the assessment and its poverty facts for a province-partitioned
extract, on a Dask cluster.

The extract is two Parquet datasets (households, members) in the engine's frames (``docs/frames.md``), written
one folder per province (``households/province=79/…``, as ``polars.DataFrame.write_parquet(partition_by=…)``
does). Each province folder is read as Dask partitions; the engine's portable route
(``engine.assess.run_portable``, the same standard definitions as in process) classifies every household on the
cluster; the facts are reduced on the cluster too (one group-by per standard), and only the small table of
facts comes back: households by ward × standard × class (measure ``assessed``) and, among the poor, those
deprived in each indicator (measure ``deprived``), in the columns of the fact tables.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import polars as pl

from ansinh import vocab
from ansinh.engine import build_plan, run_portable
from ansinh.standards import load_standard

FACT_COLUMNS = ["measure", "ward_code", "year", "month", "standard", "programme", "category", "value"]


def _read_part(file: str) -> Any:
    return pl.read_parquet(file, hive_partitioning=False).to_pandas()


def _read(path: Path) -> Any:
    """One Dask partition per Parquet file (a province's folder holds its files), each read by Polars on the
    worker that computes it; nothing but the first file's schema is read here."""
    import dask.dataframe as dd

    files = sorted(path.rglob("*.parquet")) if path.is_dir() else [path]
    if not files:
        raise FileNotFoundError(f"no Parquet file under {path}")
    return dd.from_map(_read_part, [str(f) for f in files])  # type: ignore[no-untyped-call]


def national_facts(households: Path, members: Path, standards: Sequence[str], on: dt.date) -> pl.DataFrame:
    """The facts of the extract under each standard on ``on``, computed on the current Dask client."""
    hh, mm = _read(households), _read(members)
    hh = hh[[c for c in hh.columns if c != "province"]]
    mm = mm[[c for c in mm.columns if c not in ("province", "member_id")]]
    parts = []
    for standard in standards:
        plan = build_plan(load_standard(standard), on)
        assessed = run_portable(plan, hh, mm)
        indicators = [c for c in assessed.columns if c.startswith("ind_")]
        # Reduced on the cluster; only the small results come back (indexes reset here, in pandas).
        counts = assessed.groupby(["ward_code", "class"]).size().compute().rename("value").reset_index()
        poor = assessed[assessed["class"] == vocab.POOR]
        deprived = poor.groupby("ward_code")[indicators].sum().compute().reset_index()
        by_class = pl.from_pandas(counts).rename({"class": "category"})
        parts.append(by_class.with_columns(pl.lit("assessed").alias("measure"), pl.lit(standard).alias("standard")))
        if len(deprived):
            long = pl.from_pandas(deprived).unpivot(index="ward_code", variable_name="category", value_name="value")
            parts.append(
                long.with_columns(
                    pl.col("category").str.strip_prefix("ind_"),
                    pl.lit("deprived").alias("measure"),
                    pl.lit(standard).alias("standard"),
                )
            )
    if not parts:
        return pl.DataFrame(schema=dict.fromkeys(FACT_COLUMNS, pl.String))
    return (
        pl.concat(
            [p.select("measure", "ward_code", "standard", "category", pl.col("value").cast(pl.Int64)) for p in parts]
        )
        .with_columns(pl.lit(on.year).alias("year"), pl.lit(0).alias("month"), pl.lit("").alias("programme"))
        .filter(pl.col("value") > 0)
        .select(FACT_COLUMNS)
        .sort("standard", "measure", "ward_code", "category")
    )
