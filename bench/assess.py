"""Benchmark (not a test): the full assessment pipeline on a synthetic city, against baselines in the same run.

Pipeline: read the household and member Parquet files → per-household indicators and classes → every
Alkire–Foster measure (H, A, M0, both headcount ratios, contributions) by ward, with standard errors.

Variants, each run in its own subprocess (timed from the first read to the last measure; imports and
process start are not timed; peak memory is the subprocess's ru_maxrss):

* ``ansinh``  ``ansinh.engine.assess`` given the two Parquet paths (it reads them: coded columns from the
  files' dictionaries) + ``ansinh.engine.af.AlkireFoster``;
* ``ansinh-frames``  the same from frames read with ``pl.read_parquet`` (codes checked as text);
* ``mpitb``   pandas indicators + the ``mpitb`` 0.2 estimator (``est`` over wards, survey weights);
* ``pandas``  a straightforward pandas implementation of the same indicators and AF measures with SEs;
* ``floor``   reading the same columns with Polars plus one pass over them (the max of every column).

    python bench/assess.py                                   # 1M and 3M households, 3 repeats
    python bench/assess.py --households 1000000 --repeat 5
    python bench/assess.py --quick                           # 100k households, 1 repeat, checks variants agree

Populations are generated once with ``ansinh.synth.generate_chunks`` (the generator behind
``ansinh seed --format parquet``) into ``--data`` (default ``bench/.data``) and reused.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from fractions import Fraction
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
DEFAULT_DATA = HERE / ".data"
VARIANTS = ("ansinh", "ansinh-frames", "floor", "pandas", "mpitb", "af-ansinh", "af-floor", "af-pandas", "af-mpitb")
N_WARDS = 168  # Ho Chi Minh City has 168 wards and communes since 2025-07-01
SEED = 20260401
WARM_UP = 1000  # households in the warm-up city
STAGES: dict[str, float] = {}  # seconds per stage of the measured ansinh run

# The columns docs/frames.md requires (what validate_frames reads); every variant reads exactly these.
HOUSEHOLD_COLUMNS = [
    "household_id",
    "ward_code",
    "area_type",
    "floor_area_m2",
    "wall_durable",
    "frame_durable",
    "roof_durable",
    "water_source",
    "toilet_type",
    "uses_telecom",
    "uses_internet",
    "has_tv",
    "has_radio",
    "has_computer",
    "has_internet_phone",
    "uses_digital_services",
    "waste_handling",
    "other_income_monthly",
]
MEMBER_COLUMNS = [
    "member_id",
    "household_id",
    "sex",
    "date_of_birth",
    "disability_level",
    "unable_to_work",
    "has_health_insurance",
    "schooling_status",
    "school_level",
    "education_level",
    "employment_status",
    "has_labour_contract",
    "has_social_insurance",
    "receives_pension",
    "monthly_income",
    "nutrition_status",
]


# ---------------------------------------------------------------------------------------------------------
# Data


FORMAT = "enum"  # coded columns stored as Enums (since 2026-11-25; earlier files had them as text)


def paths(data: Path, n: int) -> tuple[Path, Path]:
    return data / f"households_{n}.{FORMAT}.parquet", data / f"members_{n}.{FORMAT}.parquet"


def ensure_population(data: Path, n: int) -> tuple[Path, Path]:
    """Generate the synthetic city of ``n`` households once (streamed chunk by chunk to Parquet)."""
    import pyarrow.parquet as pq

    from ansinh.engine.frames import HOUSEHOLD_COLUMNS as HOUSEHOLD_CODES
    from ansinh.engine.frames import MEMBER_COLUMNS as MEMBER_CODES
    from ansinh.engine.frames import coded_as_enums
    from ansinh.synth import HOUSEHOLD_FRAME, MEMBER_FRAME, generate_chunks

    hpath, mpath = paths(data, n)
    if hpath.exists() and mpath.exists():
        return hpath, mpath
    data.mkdir(parents=True, exist_ok=True)
    (data / ".gitignore").write_text("*\n")  # generated data never goes into the repository
    wards = [(f"{26700 + 3 * i:05d}", "rural" if i % 6 == 0 else "urban") for i in range(N_WARDS)]
    started = time.perf_counter()
    print(f"generating {n:,} households into {data} …", flush=True)
    writers: dict[str, Any] = {}
    tmp = {"h": hpath.with_suffix(".tmp"), "m": mpath.with_suffix(".tmp")}
    try:
        for households, members in generate_chunks(n, wards, SEED):
            for key, frame, columns, codes in (
                ("h", households, HOUSEHOLD_FRAME, HOUSEHOLD_CODES),
                ("m", members, MEMBER_FRAME, MEMBER_CODES),
            ):
                # As ``ansinh seed --format parquet`` writes them: coded columns as Enums.
                table = coded_as_enums(frame.select(list(columns)), codes).to_arrow()
                if key not in writers:
                    writers[key] = pq.ParquetWriter(tmp[key], table.schema)
                writers[key].write_table(table)
    finally:
        for writer in writers.values():
            writer.close()
    tmp["h"].rename(hpath)
    tmp["m"].rename(mpath)
    print(f"  done in {time.perf_counter() - started:.1f} s", flush=True)
    return hpath, mpath


# ---------------------------------------------------------------------------------------------------------
# Variants (run in a child process)


def nested_weights(standard: Any) -> dict[str, Fraction]:
    from ansinh.engine.af import equal_nested_weights

    return {f"ind_{ind}": w for ind, w in equal_nested_weights(standard.dimensions).items()}


def run_ansinh(hpath: Path, mpath: Path, standard: Any, on: dt.date, k: Fraction) -> dict[str, Any]:
    """The engine reads the two Parquet files itself (codes checked on the files' dictionaries)."""
    from ansinh.engine import assess
    from ansinh.engine.af import AlkireFoster

    t0 = time.perf_counter()
    result = assess(hpath, mpath, standard, on)
    t1 = time.perf_counter()
    af = AlkireFoster(
        result,
        dimensions={f"ind_{i}": d for i, d in standard.dimensions.items()},
        by="ward_code",
        population_weight="members",
    )
    r = af.measure(k)
    STAGES.update({"read+assess": t1 - t0, "af": time.perf_counter() - t1})
    classes = dict(result.group_by("class").len().iter_rows())
    return {"H": r.H, "M0": r.M0, "se_M0": r.se["M0"], "groups": len(r.groups), "classes": classes}


def run_ansinh_frames(hpath: Path, mpath: Path, standard: Any, on: dt.date, k: Fraction) -> dict[str, Any]:
    """As ``ansinh``, from frames the caller read with ``pl.read_parquet`` (text codes checked value by value)."""
    import polars as pl

    from ansinh.engine import assess
    from ansinh.engine.af import AlkireFoster

    t0 = time.perf_counter()
    households = pl.read_parquet(hpath, columns=HOUSEHOLD_COLUMNS)
    members = pl.read_parquet(mpath, columns=MEMBER_COLUMNS)
    t1 = time.perf_counter()
    result = assess(households, members, standard, on)
    del households, members
    t2 = time.perf_counter()
    af = AlkireFoster(
        result,
        dimensions={f"ind_{i}": d for i, d in standard.dimensions.items()},
        by="ward_code",
        population_weight="members",
    )
    r = af.measure(k)
    STAGES.update({"read": t1 - t0, "assess": t2 - t1, "af": time.perf_counter() - t2})
    classes = dict(result.group_by("class").len().iter_rows())
    return {"H": r.H, "M0": r.M0, "se_M0": r.se["M0"], "groups": len(r.groups), "classes": classes}


def run_floor(hpath: Path, mpath: Path, standard: Any, on: dt.date, k: Fraction) -> dict[str, Any]:
    import polars as pl

    households = pl.read_parquet(hpath, columns=HOUSEHOLD_COLUMNS)
    members = pl.read_parquet(mpath, columns=MEMBER_COLUMNS)
    a = households.select(pl.all().max())
    b = members.select(pl.all().max())
    return {"columns": a.width + b.width}


def pandas_indicators(hpath: Path, mpath: Path, standard: Any, on: dt.date) -> Any:
    """Household indicators and class under ``standard`` (vn_2022-type formulas), straightforward pandas.

    Every threshold is read from the standard's parameters, as the engine does."""
    import numpy as np
    import pandas as pd

    from ansinh.standards.loader import MONEY_UNITS

    def v(path: str) -> Any:
        return standard.value(path, on)

    hh = pd.read_parquet(hpath, columns=HOUSEHOLD_COLUMNS)
    mm = pd.read_parquet(mpath, columns=MEMBER_COLUMNS)
    dob = pd.to_datetime(mm["date_of_birth"])
    months = (on.year - dob.dt.year) * 12 + (on.month - dob.dt.month) - (dob.dt.day > on.day).astype(int)
    age = months // 12
    status = mm["employment_status"]
    retirement = np.where(mm["sex"] == "M", v("working_age.retirement_male"), v("working_age.retirement_female"))
    working_age = (months >= v("working_age.from")) & (months < retirement)
    lacking = status.isin(v("employment.deprived_statuses"))
    if v("employment.without_contract_deprives"):
        lacking |= (status == "employed") & ~mm["has_labour_contract"]
    dependant = (
        (age < v("dependants.child_age_below"))
        | ((age >= v("dependants.elderly_age_from")) & ~mm["receives_pension"])
        | mm["disability_level"].isin(v("dependants.disability_levels"))
        | mm["unable_to_work"]
    )
    attending = mm["schooling_status"] == "attending"
    level = mm["education_level"]
    upper = age >= v("adult_education.upper_band_from")
    edu_lacking = (~upper & ~level.isin(v("adult_education.lower_band_levels"))) | (
        upper & ~level.isin(v("adult_education.upper_band_levels"))
    )
    flags = pd.DataFrame(
        {
            "household_id": mm["household_id"],
            "f_employment": working_age & lacking,
            "f_dependant": dependant,
            "f_nutrition": (age < v("nutrition.child_age_below"))
            & mm["nutrition_status"].isin(v("nutrition.malnourished_statuses")),
            "f_insurance": (age >= v("health_insurance.age_from")) & ~mm["has_health_insurance"],
            "f_adult_edu": (age >= v("adult_education.age_from"))
            & (age <= v("adult_education.age_to"))
            & ~attending
            & edu_lacking,
            "f_school": (age >= v("school_attendance.age_from"))
            & (age < v("school_attendance.age_below"))
            & ~attending,
            "income": mm["monthly_income"],
        }
    )
    del mm
    sums = flags.groupby("household_id").sum()
    sums["members"] = flags.groupby("household_id").size()
    del flags
    hh = hh.join(sums, on="household_id")
    n = hh["members"]
    devices = hh[["has_tv", "has_radio", "has_computer", "has_internet_phone"]].fillna(False).any(axis=1)
    non_durable = (
        (~hh["wall_durable"]).astype(int) + (~hh["frame_durable"]).astype(int) + (~hh["roof_durable"]).astype(int)
    )
    ind = pd.DataFrame(
        {
            "ind_employment": hh["f_employment"] > 0,
            "ind_dependants": hh["f_dependant"] / n > v("dependants.share_above"),
            "ind_nutrition": hh["f_nutrition"] > 0,
            "ind_health_insurance": hh["f_insurance"] > 0,
            "ind_adult_education": hh["f_adult_edu"] > 0,
            "ind_school_attendance": hh["f_school"] > 0,
            "ind_housing_quality": non_durable >= v("housing_quality.non_durable_from"),
            "ind_floor_area": hh["floor_area_m2"] < v("floor_area.per_person_below") * n,
            "ind_water": ~hh["water_source"].isin(v("water.safe_sources")),
            "ind_toilet": ~hh["toilet_type"].isin(v("toilet.hygienic_types")),
            "ind_telecom": ~(hh["uses_telecom"] | hh["uses_internet"]),
            "ind_information_devices": ~devices,
        }
    ).astype("int8")
    out = pd.concat([hh[["household_id", "ward_code", "members"]], ind], axis=1)
    out["deprivation_count"] = ind.sum(axis=1)
    months_of = MONEY_UNITS[standard.parameters["income_line.urban"].unit]
    income = (hh["income"] + hh["other_income_monthly"]) * months_of
    urban = hh["area_type"] == "urban"
    line = np.where(urban, v("income_line.urban"), v("income_line.rural"))
    average = np.where(urban, v("average_living_line.urban"), v("average_living_line.rural"))
    below = income <= line * n
    cutoff = v("deprivation_cutoff")
    out["class"] = np.select(
        [below & (out["deprivation_count"] >= cutoff), below, income <= average * n],
        ["poor", "near_poor", "average_living"],
        default="not_poor",
    )
    return out


def run_pandas(hpath: Path, mpath: Path, standard: Any, on: dt.date, k: Fraction) -> dict[str, Any]:
    df = pandas_indicators(hpath, mpath, standard, on)
    return {**pandas_af(df, standard, k), "classes": df["class"].value_counts().to_dict()}


def pandas_af(df: Any, standard: Any, k: Fraction) -> dict[str, Any]:
    """Every AF measure with SRS-linearised SEs, total and by ward, in straightforward pandas."""
    import numpy as np
    import pandas as pd

    weights = {c: float(w) for c, w in nested_weights(standard).items()}
    cols = list(weights)
    p = df["members"].astype(float)
    score = df[cols].to_numpy(dtype=float) @ np.array([weights[c] for c in cols])
    poor = (score >= float(k) - 1e-9).astype(float)  # floats: a small tolerance keeps scores at k
    work = pd.DataFrame(
        {
            "ward_code": df["ward_code"],
            "p": p,
            "p2": p * p,
            "q": p * poor,
            "q2": p * p * poor,
            "c": p * poor * score,
            "c2": p * p * poor * score * score,
            "cq2": p * p * poor * score,
        }
    )
    for col in cols:
        d = df[col].to_numpy(dtype=float)
        work[f"h_{col}"] = p * d
        work[f"h2_{col}"] = p * p * d
        work[f"k_{col}"] = p * d * poor
        work[f"k2_{col}"] = p * p * d * poor

    def measures(s: pd.DataFrame | pd.Series, n_obs: float) -> dict[str, Any]:
        # ratios of totals with linearised SRS variances: n/(n-1) Σ p²(y - R x)² / X²
        f = n_obs / (n_obs - 1)

        def se(ty: Any, tyy: Any, tx: Any, txx: Any, txy: Any) -> Any:
            r = ty / tx
            return np.sqrt(np.maximum(f * (tyy - 2 * r * txy + r * r * txx - (ty - r * tx) ** 2 / n_obs), 0)) / tx

        out = {
            "H": s["q"] / s["p"],
            "M0": s["c"] / s["p"],
            "A": s["c"] / s["q"],
            "se_H": se(s["q"], s["q2"], s["p"], s["p2"], s["q2"]),
            "se_M0": se(s["c"], s["c2"], s["p"], s["p2"], s["cq2"]),
            "se_A": se(s["c"], s["c2"], s["q"], s["q2"], s["cq2"]),
        }
        for col in cols:
            out[f"hd_{col}"] = s[f"h_{col}"] / s["p"]
            out[f"se_hd_{col}"] = se(s[f"h_{col}"], s[f"h2_{col}"], s["p"], s["p2"], s[f"h2_{col}"])
            out[f"hdk_{col}"] = s[f"k_{col}"] / s["p"]
            out[f"se_hdk_{col}"] = se(s[f"k_{col}"], s[f"k2_{col}"], s["p"], s["p2"], s[f"k2_{col}"])
            out[f"pctb_{col}"] = weights[col] * out[f"hdk_{col}"] / out["M0"]
        return out

    n_obs = float(len(work))
    total = measures(work.drop(columns="ward_code").sum(), n_obs)
    by_ward = measures(work.groupby("ward_code").sum(), n_obs)
    return {
        "H": float(total["H"]),
        "M0": float(total["M0"]),
        "se_M0": float(total["se_M0"]),
        "groups": len(by_ward["H"]),
    }


def run_mpitb(hpath: Path, mpath: Path, standard: Any, on: dt.date, k: Fraction) -> dict[str, Any]:
    df = pandas_indicators(hpath, mpath, standard, on)
    return {**mpitb_af(df, standard, k), "classes": df["class"].value_counts().to_dict()}


def mpitb_af(df: Any, standard: Any, k: Fraction) -> dict[str, Any]:
    """mpitb's estimator: every AF measure by ward, with its (survey-weighted) standard errors."""
    from mpitb.core import MPIToolbox

    dims: dict[str, list[str]] = {}
    for ind, dim in standard.dimensions.items():
        dims.setdefault(dim, []).append(f"ind_{ind}")
    tb = MPIToolbox()
    tb.set(name="bench", dimensions=[(inds, dim) for dim, inds in dims.items()])
    tb.svyset(weight="members")
    k_percent = int(k * 100)  # mpitb takes whole percent; 33 keeps the same poor as 1/3 with twelfths
    records = tb.est(df, "bench", klist=[k_percent], over=["ward_code"], svy=True)
    nat = {r["measure"]: r for r in records if r["loa"] == "nat" and r["measure"] in ("H", "M0")}
    return {
        "H": float(nat["H"]["b"]),
        "M0": float(nat["M0"]["b"]),
        "se_M0": float(nat["M0"]["se"]),
        "groups": len({r.get("subg") for r in records if r["loa"] == "ward_code"}),
    }


# The AF stage alone, from the per-household result of the engine (written once by ``ensure_assessed``).


def af_columns(standard: Any) -> list[str]:
    return ["ward_code", "members", *(f"ind_{i}" for i in standard.dimensions)]


def assessed_path(hpath: Path) -> Path:
    return hpath.with_name(hpath.name.replace("households_", "assessed_"))


def run_af_ansinh(hpath: Path, mpath: Path, standard: Any, on: dt.date, k: Fraction) -> dict[str, Any]:
    import polars as pl

    from ansinh.engine.af import AlkireFoster

    frame = pl.read_parquet(assessed_path(hpath), columns=af_columns(standard))
    af = AlkireFoster(
        frame,
        dimensions={f"ind_{i}": d for i, d in standard.dimensions.items()},
        by="ward_code",
        population_weight="members",
    )
    r = af.measure(k)
    return {"H": r.H, "M0": r.M0, "se_M0": r.se["M0"], "groups": len(r.groups)}


def run_af_floor(hpath: Path, mpath: Path, standard: Any, on: dt.date, k: Fraction) -> dict[str, Any]:
    import polars as pl

    frame = pl.read_parquet(assessed_path(hpath), columns=af_columns(standard))
    return {"columns": frame.select(pl.all().max()).width}


def run_af_pandas(hpath: Path, mpath: Path, standard: Any, on: dt.date, k: Fraction) -> dict[str, Any]:
    import pandas as pd

    return pandas_af(pd.read_parquet(assessed_path(hpath), columns=af_columns(standard)), standard, k)


def run_af_mpitb(hpath: Path, mpath: Path, standard: Any, on: dt.date, k: Fraction) -> dict[str, Any]:
    import pandas as pd

    return mpitb_af(pd.read_parquet(assessed_path(hpath), columns=af_columns(standard)), standard, k)


def ensure_assessed(hpath: Path, mpath: Path, standard_id: str, on: dt.date) -> None:
    """The engine's per-household result, written once for the AF-stage variants (not timed)."""
    target = assessed_path(hpath)
    if target.exists():
        return
    import polars as pl

    from ansinh.engine import assess

    result = assess(
        pl.read_parquet(hpath, columns=HOUSEHOLD_COLUMNS),
        pl.read_parquet(mpath, columns=MEMBER_COLUMNS),
        standard_id,
        on,
    )
    result.write_parquet(target)


RUNNERS = {
    "ansinh": run_ansinh,
    "ansinh-frames": run_ansinh_frames,
    "floor": run_floor,
    "pandas": run_pandas,
    "mpitb": run_mpitb,
    "af-ansinh": run_af_ansinh,
    "af-floor": run_af_floor,
    "af-pandas": run_af_pandas,
    "af-mpitb": run_af_mpitb,
}


def child(variant: str, n: int, data: Path, standard_id: str, on: dt.date, k: Fraction) -> None:
    from ansinh.standards import load_standard

    standard = load_standard(standard_id)
    # Warm up on a tiny city first, so one-time costs (thread pools, lazily loaded code) are not timed.
    RUNNERS[variant](*paths(data, WARM_UP), standard, on, k)
    hpath, mpath = paths(data, n)
    STAGES.clear()
    started = time.perf_counter()
    summary = RUNNERS[variant](hpath, mpath, standard, on, k)
    seconds = time.perf_counter() - started
    if STAGES:
        summary["stages"] = dict(STAGES)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    summary["vm_hwm_mb"] = vm_hwm_mb()
    print(json.dumps({"seconds": seconds, "peak_mb": peak_mb, "summary": summary}, default=str))


def vm_hwm_mb() -> float | None:
    """Peak resident size of this process image (Linux ``VmHWM``), a cross-check of ru_maxrss."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


# ---------------------------------------------------------------------------------------------------------
# Driver


def run_child(variant: str, n: int, args: argparse.Namespace) -> dict[str, Any]:
    command = [
        sys.executable,
        __file__,
        "--child",
        variant,
        "--households",
        str(n),
        "--data",
        str(args.data),
        "--standard",
        args.standard,
        "--on",
        args.on,
        "--k",
        args.k,
    ]
    proc = subprocess.run(command, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"{variant} failed on {n:,} households:\n{proc.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--households", default="1000000,3000000", help="comma-separated sizes")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="100,000 households, one repeat")
    parser.add_argument("--variants", default=",".join(VARIANTS))
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--standard", default="vn_2022")
    parser.add_argument("--on", default="2026-06-30")
    parser.add_argument("--k", default="1/3")
    parser.add_argument("--child", choices=VARIANTS, help=argparse.SUPPRESS)
    parser.add_argument("--prepare", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--assessed", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    on = dt.date.fromisoformat(args.on)
    k = Fraction(args.k)
    if args.child:
        child(args.child, int(args.households), args.data, args.standard, on, k)
        return
    if args.prepare:
        hpath, mpath = ensure_population(args.data, int(args.households))
        if args.assessed:
            ensure_assessed(hpath, mpath, args.standard, on)
        return
    if args.quick:
        args.households, args.repeat = "100000", 1
    sizes = [int(s) for s in args.households.split(",")]
    variants = [v for v in args.variants.split(",") if v]
    print(
        f"machine: {os.cpu_count()} CPUs; standard {args.standard} on {on}; k = {args.k}; "
        f"repeat {args.repeat}; variants {', '.join(variants)}"
    )
    # Data are prepared in a child too: the driver stays small, because a child's ru_maxrss starts from
    # the resident size of the process that forked it.
    needs_assessed = any(v.startswith("af-") for v in variants)
    for n in [WARM_UP, *sizes]:
        command = [
            sys.executable,
            __file__,
            "--prepare",
            "--households",
            str(n),
            "--data",
            str(args.data),
            "--standard",
            args.standard,
            "--on",
            args.on,
        ]
        if needs_assessed:
            command.append("--assessed")
        subprocess.run(command, check=True)
    for n in sizes:
        runs: dict[str, list[dict[str, Any]]] = {v: [] for v in variants}
        for _ in range(args.repeat):
            for variant in variants:  # interleaved, so drift affects every variant alike
                runs[variant].append(run_child(variant, n, args))
        report(n, runs)


def report(n: int, runs: dict[str, list[dict[str, Any]]]) -> None:
    median = {v: statistics.median(r["seconds"] for r in rs) for v, rs in runs.items()}
    peak = {v: max(r["peak_mb"] for r in rs) for v, rs in runs.items()}
    print(f"\n{n:,} households (load average now {os.getloadavg()[0]:.1f})")
    print(f"  {'variant':<10} {'median s':>9} {'peak MB':>8}   {'H':>8} {'M0':>8} {'se(M0)':>9}  runs (s)")
    for v, rs in runs.items():
        s = rs[0]["summary"]
        measures = f"{s['H']:>8.5f} {s['M0']:>8.5f} {s['se_M0']:>9.2e}" if "H" in s else f"{'':>27}"
        times = ", ".join(f"{r['seconds']:.2f}" for r in rs)
        print(f"  {v:<10} {median[v]:>9.3f} {peak[v]:>8.0f}   {measures}  {times}")
        if "stages" in s:
            stages = {name: statistics.median(r["summary"]["stages"][name] for r in rs) for name in s["stages"]}
            print("  " + " " * 12 + "median stages: " + ", ".join(f"{k} {t:.3f} s" for k, t in stages.items()))
    for prefix, title in (("", "full pipeline"), ("af-", "Alkire–Foster stage alone (from the assessed households)")):
        ours_name = f"{prefix}ansinh"
        if ours_name not in median:
            continue
        print(f"  {title}:")
        ours = median[ours_name]
        for base, goal in (("mpitb", 10.0), ("pandas", 4.0)):
            if f"{prefix}{base}" in median:
                ratio = median[f"{prefix}{base}"] / ours
                verdict = "met" if ratio >= goal else "NOT met"
                print(f"    {base:<6} / ansinh = {ratio:7.2f}x  (goal >= {goal:g}x: {verdict})")
        if f"{prefix}floor" in median:
            ratio = ours / median[f"{prefix}floor"]
            print(f"    ansinh / floor  = {ratio:7.2f}x  (goal <= 2.5x: {'met' if ratio <= 2.5 else 'NOT met'})")
        for name in (ours_name, f"{prefix}ansinh-frames"):
            if name in peak:
                print(
                    f"    {name:<15} peak = {peak[name]:7.0f} MB (goal < 1024 MB: "
                    f"{'met' if peak[name] < 1024 else 'NOT met'})"
                )
        if f"{prefix}ansinh-frames" in median and f"{prefix}floor" in median:
            ratio = median[f"{prefix}ansinh-frames"] / median[f"{prefix}floor"]
            print(f"    ansinh-frames / floor = {ratio:5.2f}x")
    classes = {v: rs[0]["summary"].get("classes") for v, rs in runs.items() if "classes" in rs[0]["summary"]}
    if len({json.dumps(c, sort_keys=True) for c in classes.values()}) > 1:
        print(f"  WARNING: the variants disagree on the classes: {classes}")
    elif classes:
        print(f"  classes agree across {', '.join(classes)}: {next(iter(classes.values()))}")
    pairs = {
        v: (round(rs[0]["summary"]["H"], 12), round(rs[0]["summary"]["M0"], 12))
        for v, rs in runs.items()
        if "H" in rs[0]["summary"]
    }
    if len(set(pairs.values())) > 1:
        print(f"  WARNING: the variants disagree on H or M0: {pairs}")


if __name__ == "__main__":
    main()
