"""Columnar assessment: indicators, deprivation count, income against the line, and the class.

``assess`` is the entry: it builds the plan (``ansinh.engine.plan``) and chooses the route that runs the
stages (``ansinh.engine.stages``, what the standard says):

* the file route (``ansinh.engine.stream``) for two Parquet files, streamed batch by batch;
* the general route (``run_polars``): the input checked and typed by ``validate_frames``, which names every
  problem by row and column, then the member stage, the per-household sums (``ansinh.engine.segments``:
  running totals over households stored contiguously) and the household stage;
* ``run_portable``: any other Narwhals backend (Dask, DuckDB, pandas…), with a group-by for the sums.

The names other modules use are re-exported here (``from ansinh.engine.assess import build_plan``).
"""

from __future__ import annotations

import datetime as dt
from collections import deque
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import narwhals.stable.v2 as nw
import polars as pl

from ansinh.engine.frames import Frame, read_frame, validate_frames
from ansinh.engine.parquet import is_parquet
from ansinh.engine.plan import UNKNOWN_INPUT, IndicatorPlan, Line, Plan, build_plan, resolve
from ansinh.engine.segments import member_sums, segment_sums
from ansinh.engine.stages import (
    AGE_SPAN_YEARS,
    CLASSES,
    INCOME,
    age_columns,
    class_tests,
    household_stage,
    household_steps,
    member_stage,
    months_by_birth_day,
    stage_rows,
    sum_columns,
)
from ansinh.engine.stream import run_files
from ansinh.standards import Standard
from ansinh.standards.formulas import MEMBERS

__all__ = [
    "AGE_SPAN_YEARS",
    "CLASSES",
    "INCOME",
    "MEMBERS",
    "UNKNOWN_INPUT",
    "IndicatorPlan",
    "Line",
    "Plan",
    "age_columns",
    "assess",
    "build_plan",
    "class_tests",
    "finish",
    "household_stage",
    "household_steps",
    "member_stage",
    "member_sums",
    "months_by_birth_day",
    "resolve",
    "run_files",
    "run_polars",
    "run_portable",
    "segment_sums",
    "sum_columns",
]


def run_polars(plan: Plan, households: pl.DataFrame, members: pl.DataFrame) -> pl.DataFrame:
    """Assess validated frames (households sorted by id, members sorted by household) on Polars."""
    return finish(plan, households, member_sums(plan, members))


FINISH_ROWS = 1 << 20  # households staged at a time: a city's temporaries never all exist at once


def finish(plan: Plan, households: pl.DataFrame, sums: pl.DataFrame | list[pl.DataFrame]) -> pl.DataFrame:
    """The household stage over households and their member sums, both in household order.

    ``sums`` may be a list of parts (consecutive households, as the file route sums them batch by batch): the
    list is consumed, each part released once staged, so the sums and the result never both exist whole."""
    pieces = [sums] if isinstance(sums, pl.DataFrame) else sums
    template = pieces[0].clear() if pieces else None
    pending = deque(
        piece.slice(start, FINISH_ROWS) for piece in pieces for start in range(0, piece.height, FINISH_ROWS)
    )
    if isinstance(sums, list):
        sums.clear()
    del pieces
    parts: list[pl.DataFrame] = []
    start = 0
    while pending:
        group = [pending.popleft()]
        rows = group[0].height
        while pending and rows + pending[0].height <= FINISH_ROWS:
            group.append(pending.popleft())
            rows += group[-1].height
        # Each slice made contiguous first: the households (one chunk per row group read) and the sums (one
        # per batch) are cut at different rows, and a stage over misaligned chunks costs twice the memory.
        piece = (pl.concat(group) if len(group) > 1 else group[0]).rechunk()
        del group
        parts.append(stage_rows(plan, households.slice(start, rows).rechunk(), piece))
        del piece
        start += rows
    if not parts:
        assert template is not None
        parts.append(stage_rows(plan, households.clear(), template))
    return pl.concat(parts, rechunk=False) if len(parts) > 1 else parts[0]  # chunks kept: no copy


def _elementwise(native: Any, stage: Any) -> Any:
    """Apply an elementwise stage (a Narwhals frame -> frame function) to a native frame.

    On Dask it runs partition by partition (``map_partitions``, the stage applied eagerly to each pandas
    partition): one task per partition, instead of a long expression graph that the Dask optimiser handles
    slowly. Elsewhere it is applied to the frame directly."""

    def apply(frame: Any) -> Any:
        return stage(nw.from_native(frame)).to_native()

    if hasattr(native, "map_partitions") and hasattr(native, "_meta"):
        return native.map_partitions(apply, meta=apply(native._meta))
    return apply(native)


def run_portable(plan: Plan, households: Any, members: Any) -> Any:
    """Assess on any Narwhals backend (Dask, DuckDB, pandas, Polars…) with a group-by reduction.

    Returns the native frame of the backend (lazy where the backend is lazy). Validation is the caller's job
    (``validate_frames`` on each extract, or the registry's constraints)."""
    flags = _elementwise(members, lambda frame: member_stage(plan, frame))
    columns = sum_columns(plan)
    sums = (
        nw.from_native(flags).group_by("household_id").agg(*[nw.col(c).sum() for c in columns], nw.len().alias(MEMBERS))
    )
    wide = nw.from_native(households).join(sums, on="household_id", how="inner").to_native()
    return _elementwise(wide, lambda frame: household_stage(plan, frame))


def assess(
    households: Frame | str | Path,
    members: Frame | str | Path,
    standard: Standard | str,
    on: dt.date,
    overrides: Mapping[str, object] | None = None,
) -> pl.DataFrame:
    """Assess every household under ``standard`` on ``on``: one row per household, households in id order.

    Columns: household_id, ward_code, area_type, members, income_total (VND/month), income_per_person
    (VND/person/month), income_line, at_or_below_line, near_poor_line, average_living_line (monthly, null when
    the standard has none), ``ind_<name>`` (Int8 0/1) per indicator, deprivation_count, class (poor /
    near_poor / average_living / not_poor), standard_id, parameter_version, assessed_on.
    Overrides (``{"income_line.urban": 2_500_000}``) change parameters for this call only.
    """
    plan = build_plan(resolve(standard, overrides), on)
    if is_parquet(households) and is_parquet(members):
        assert isinstance(households, str | Path) and isinstance(members, str | Path)
        result = run_files(plan, households, members)
        if result is not None:
            return result
    # The general route: reports every problem by row and column, sorts unsorted input, types text (CSV).
    hh, mm = validate_frames(
        read_frame(households) if isinstance(households, str | Path) else households,
        read_frame(members) if isinstance(members, str | Path) else members,
        on,
        optional=False,
    )
    mm = mm.drop("member_id")  # checked; not needed to classify (84 MB for a city)
    return run_polars(plan, hh, mm)
