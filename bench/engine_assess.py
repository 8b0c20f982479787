"""Benchmark of the classification engine (not a test): Parquet → validated frames → per-household classes.

    .venv/bin/python bench/engine_assess.py --households 3000000 [--standard vn_2022] [--repeat 3]

Synthetic populations come from ``ansinh.synth`` (cached as Parquet under ``bench/out/engine-data/``).
Prints medians, and ratios measured in the same run against
  (a) the floor: reading the same columns with Polars plus one pass over them (a sum per column);
  (b) the same engine with a hash group-by instead of the sorted-segment reduction;
and the peak memory (max RSS) of the full pipeline, measured in a fresh child process.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

import polars as pl
import polars.selectors as cs

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from ansinh.engine import assess, build_plan, read_frame, validate_frames  # noqa: E402
from ansinh.engine.assess import INCOME, MEMBERS, household_stage, member_stage, run_polars  # noqa: E402
from ansinh.engine.frames import HOUSEHOLD_COLUMNS, MEMBER_COLUMNS  # noqa: E402
from ansinh.standards import load_standard  # noqa: E402

WARDS = [(str(26700 + i), "urban" if i % 4 else "rural") for i in range(160)]


def data(n: int) -> tuple[Path, Path]:
    folder = ROOT / "bench" / "out" / "engine-data"
    hh, mm = folder / f"households-{n}.parquet", folder / f"members-{n}.parquet"
    if not hh.exists() or not mm.exists():
        from ansinh.synth import generate_chunks

        folder.mkdir(parents=True, exist_ok=True)
        parts = list(generate_chunks(n, WARDS, seed=2026))
        pl.concat([h for h, _ in parts]).write_parquet(hh)
        pl.concat([m for _, m in parts]).write_parquet(mm)
    return hh, mm


def timed(fn, repeat: int) -> float:  # type: ignore[no-untyped-def]
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - started)
    return statistics.median(runs)


def floor(hh: Path, mm: Path) -> None:
    h = [c for c, col in HOUSEHOLD_COLUMNS.items() if col.required]
    m = [c for c, col in MEMBER_COLUMNS.items() if col.required]
    for path, columns in ((hh, h), (mm, m)):
        frame = pl.scan_parquet(path).select(columns).collect()
        frame.select(cs.numeric().sum(), cs.boolean().sum(), cs.string().str.len_bytes().sum(), cs.date().max())


def hash_variant(plan, hh: pl.DataFrame, mm: pl.DataFrame) -> pl.DataFrame:  # type: ignore[no-untyped-def]
    import narwhals.stable.v2 as nw

    flags = member_stage(plan, nw.from_native(mm.lazy())).to_native()
    columns = [name for name, _ in plan.member_flags] + [INCOME]
    sums = flags.group_by("household_id").agg(pl.col(columns).sum(), pl.len().cast(pl.Int32).alias(MEMBERS))
    wide = hh.lazy().join(sums, on="household_id")
    return household_stage(plan, nw.from_native(wide)).to_native().collect()


def child(args: argparse.Namespace) -> None:
    hh, mm = data(args.households)
    on = dt.date.fromisoformat(args.on)
    started = time.perf_counter()
    result = assess(read_frame(hh), read_frame(mm), args.standard, on)
    print(
        json.dumps(
            {
                "seconds": time.perf_counter() - started,
                "households": result.height,
                "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=1_000_000)
    parser.add_argument("--standard", default="vn_2022")
    parser.add_argument("--on", default="2026-06-30")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    hh, mm = data(args.households)
    on = dt.date.fromisoformat(args.on)
    plan = build_plan(load_standard(args.standard), on)
    h, m = validate_frames(read_frame(hh), read_frame(mm), on, optional=False)
    print(f"{args.households:,} households, {m.height:,} members, standard {args.standard}, on {on}")
    t_floor = timed(lambda: floor(hh, mm), args.repeat)
    t_full = timed(
        lambda: run_polars(plan, *validate_frames(read_frame(hh), read_frame(mm), on, optional=False)), args.repeat
    )
    t_validate = timed(lambda: validate_frames(read_frame(hh), read_frame(mm), on, optional=False), args.repeat)
    t_engine = timed(lambda: run_polars(plan, h, m), args.repeat)
    t_hash = timed(lambda: hash_variant(plan, h, m), args.repeat)
    assert hash_variant(plan, h, m).sort("household_id").equals(run_polars(plan, h, m).drop("assessed_on"))
    proc = subprocess.run(
        [
            sys.executable,
            __file__,
            "--child",
            "--households",
            str(args.households),
            "--standard",
            args.standard,
            "--on",
            args.on,
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    peak = json.loads(proc.stdout.strip().splitlines()[-1])
    print(f"floor (read the columns + one pass)   {t_floor:7.2f} s")
    print(f"full pipeline (read, validate, assess) {t_full:7.2f} s   {t_full / t_floor:5.2f}x floor")
    print(f"  of which validation                  {t_validate:7.2f} s")
    print(f"  of which assessment (sorted segments){t_engine:7.2f} s")
    print(f"assessment with a hash group-by        {t_hash:7.2f} s   segments are {t_hash / t_engine:4.2f}x faster")
    print(f"peak memory, full pipeline (child)     {peak['max_rss_mb']:7.0f} MB  ({peak['seconds']:.2f} s)")


if __name__ == "__main__":
    main()
