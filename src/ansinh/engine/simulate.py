"""Summaries by ward, and "what if" simulation: classes under changed parameters against the stored ones."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import polars as pl

from ansinh import vocab
from ansinh.engine.assess import run_polars
from ansinh.engine.frames import Frame, validate_frames
from ansinh.engine.plan import build_plan, resolve
from ansinh.engine.stages import CLASSES
from ansinh.standards import Standard


def summarise_by_ward(result: pl.DataFrame) -> pl.DataFrame:
    """Households and members per class and ward (one row per ward, wards in code order), with rates."""
    counts = [pl.col("class").eq(c).sum().cast(pl.Int64).alias(c) for c in CLASSES] + [
        pl.col("members").filter(pl.col("class") == c).sum().cast(pl.Int64).alias(f"{c}_members") for c in CLASSES
    ]
    by_ward = (
        result.group_by("ward_code")
        .agg(pl.len().cast(pl.Int64).alias("households"), pl.col("members").sum().cast(pl.Int64), *counts)
        .sort("ward_code")
    )
    return by_ward.with_columns(
        (pl.col(vocab.POOR) / pl.col("households")).alias(f"{vocab.POOR}_rate"),
        (pl.col(vocab.NEAR_POOR) / pl.col("households")).alias(f"{vocab.NEAR_POOR}_rate"),
    )


def simulate(
    households: Frame,
    members: Frame,
    standard: Standard | str,
    on: dt.date,
    overrides: Mapping[str, object],
) -> pl.DataFrame:
    """By ward and class: households before (stored parameters), after (with ``overrides``), entering and
    leaving the class. Parameter files are not touched; the rows cover every ward × class.
    """
    base = resolve(standard)
    changed = resolve(base, overrides)
    hh, mm = validate_frames(households, members, on, optional=False)
    before = run_polars(build_plan(base, on), hh, mm)
    after = run_polars(build_plan(changed, on), hh, mm)
    # Both results are in the households' order: compare side by side, no join.
    pairs = pl.DataFrame({"ward_code": before["ward_code"], "before": before["class"], "after": after["class"]})
    rows = []
    for c in CLASSES:
        rows.append(
            pairs.group_by("ward_code").agg(
                pl.lit(c).alias("class"),
                (pl.col("before") == c).sum().cast(pl.Int64).alias("before"),
                (pl.col("after") == c).sum().cast(pl.Int64).alias("after"),
                ((pl.col("after") == c) & (pl.col("before") != c)).sum().cast(pl.Int64).alias("entering"),
                ((pl.col("before") == c) & (pl.col("after") != c)).sum().cast(pl.Int64).alias("leaving"),
            )
        )
    order = pl.Enum(list(CLASSES))
    return (
        pl.concat(rows)
        .with_columns(pl.col("class").cast(order))
        .sort("ward_code", "class")
        .with_columns(
            pl.col("class").cast(pl.String),
            pl.lit(base.id).alias("standard_id"),
            pl.lit(base.version).alias("parameter_version"),
            pl.lit(changed.version).alias("simulated_version"),
        )
    )
