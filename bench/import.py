"""Benchmark ``ansinh import`` of a 100,000-household XLSX into PostgreSQL against django-import-export
(not a test).

    .venv/bin/python bench/import.py                       # 100,000 households, 5,000 for the baseline
    .venv/bin/python bench/import.py --households 20000    # a quicker run

Creates a throw-away database on ``--server`` (default the local one), migrates it and loads the units of
province 79, then in the same run:

1. generates the synthetic city (``ansinh.synth.generate_chunks``, ~3.5 members per household) and writes
   it in the import format (Vietnamese headers and labels) with openpyxl's write-only mode; the first
   ``--baseline`` households are also written in django-import-export's default layout (field names,
   codes): one XLSX per model. Not timed.
2. baseline: django-import-export's default row-by-row ``Resource.import_data`` (households, then members
   with a ``ForeignKeyWidget`` on the household code) of the sample, timed from reading the files to the
   end of the import, in a subprocess; then the registry tables are emptied;
3. ``ansinh import FILE --commit`` in a subprocess, timed end to end (process start, reading, validation,
   commit, audit), with the subprocess's peak resident memory (``ru_maxrss``, via ``wait4``);
4. the same file again (idempotent: everything unchanged).

Prints rows (households + members) per second for both, their ratio and the peak memory, against the
goal of issue 3: at least 20x the baseline's rate and under 1.5 GB on a 2-core machine. The database is
dropped afterwards (``--keep`` keeps it).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
GOAL_RATIO = 20
GOAL_MEMORY_MB = 1536

GENERATE = r"""
import sys
from pathlib import Path
import django
django.setup()
import polars as pl
from openpyxl import Workbook
from ansinh.geo.models import Ward
from ansinh.imports.columns import HOUSEHOLD_COLUMNS, HOUSEHOLD_SHEET, MEMBER_COLUMNS, MEMBER_SHEET
from ansinh.imports.export import _xlsx_cells
from ansinh.synth import generate_chunks

n, seed, sample, out = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), Path(sys.argv[4])
wards = list(Ward.objects.current().filter(province_id="79").order_by("code").values_list("code", "area_type"))
wb = Workbook(write_only=True)
hs, ms = wb.create_sheet(HOUSEHOLD_SHEET), wb.create_sheet(MEMBER_SHEET)
hs.append([c.header for c in HOUSEHOLD_COLUMNS]); ms.append([c.header for c in MEMBER_COLUMNS])
hh_fields = [c.field for c in HOUSEHOLD_COLUMNS]
m_fields = [c.field for c in MEMBER_COLUMNS]
base_h, base_m = Workbook(write_only=True), Workbook(write_only=True)
bhs, bms = base_h.create_sheet("households"), base_m.create_sheet("members")
bhs.append(hh_fields); bms.append(m_fields)
written = members_total = 0
for households, members in generate_chunks(n, wards, seed=seed):
    members = members.join(households.select("household_id", pl.col("code").alias("household_code")),
                           on="household_id").with_columns(pl.lit(None, dtype=pl.String).alias("legacy_id_number"))
    h, m = households.select(hh_fields), members.select(m_fields)
    for row in _xlsx_cells(h, h, HOUSEHOLD_COLUMNS).iter_rows():
        hs.append(row)
    for row in _xlsx_cells(m, m, MEMBER_COLUMNS).iter_rows():
        ms.append(row)
    if written < sample:
        take = min(sample - written, h.height)
        codes = h["code"].head(take)
        for row in h.head(take).iter_rows():
            bhs.append(row)
        for row in m.filter(pl.col("household_code").is_in(codes.implode())).iter_rows():
            bms.append(row)
    written += h.height
    members_total += m.height
wb.save(out / "city.xlsx")
base_h.save(out / "baseline-households.xlsx")
base_m.save(out / "baseline-members.xlsx")
print(written, members_total)
"""

BASELINE = r"""
import sys, time
import django
django.setup()
import tablib
from import_export import fields, resources
from import_export.widgets import CharWidget, ForeignKeyWidget
from ansinh.geo.models import Ward
from ansinh.registry.models import Household, Member
from ansinh.imports.columns import HOUSEHOLD_COLUMNS, MEMBER_COLUMNS


class HouseholdResource(resources.ModelResource):
    ward = fields.Field(attribute="ward", column_name="ward_code", widget=ForeignKeyWidget(Ward, "code"))

    class Meta:
        model = Household
        import_id_fields = ("code",)
        fields = tuple(c.field for c in HOUSEHOLD_COLUMNS if c.field != "ward_code") + ("ward",)


class MemberResource(resources.ModelResource):
    household = fields.Field(attribute="household", column_name="household_code",
                             widget=ForeignKeyWidget(Household, "code"))
    # An empty ID number is NULL (the column is unique), not "".
    id_number = fields.Field(attribute="id_number", column_name="id_number", widget=CharWidget(allow_blank=False))

    class Meta:
        model = Member
        import_id_fields = ("household", "full_name", "date_of_birth")
        fields = tuple(c.field for c in MEMBER_COLUMNS if c.field != "household_code") + ("household",)


def load(path):
    with open(path, "rb") as fh:
        return tablib.Dataset().load(fh, format="xlsx")


started = time.perf_counter()
households = load(sys.argv[1])
members = load(sys.argv[2])
for ds in (households, members):
    for name in ("school_level", "nutrition_status", "legacy_id_number"):
        if name in ds.headers:
            i = ds.headers.index(name)
            col = ["" if v is None else v for v in ds.get_col(i)]
            del ds[name]
            ds.append_col(col, header=name)
r1 = HouseholdResource().import_data(households, dry_run=False, raise_errors=True)
r2 = MemberResource().import_data(members, dry_run=False, raise_errors=True)
elapsed = time.perf_counter() - started
print(len(households), len(members), f"{elapsed:.3f}", r1.totals["new"], r2.totals["new"])
"""


def run(args: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(args, env=env, cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode:
        sys.exit(f"{' '.join(args[:3])} failed:\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}")
    return done.stdout


def run_measured(args: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """Run a command; return (seconds, its peak resident memory in MB, output)."""
    started = time.perf_counter()
    proc = subprocess.Popen(args, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert proc.stdout is not None
    out = proc.stdout.read()
    _pid, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status):
        sys.exit(f"{' '.join(args)} failed:\n{out[-4000:]}")
    return elapsed, usage.ru_maxrss / 1024, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--households", type=int, default=100_000)
    parser.add_argument("--baseline", type=int, default=5_000, help="households imported by django-import-export")
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--keep", action="store_true", help="keep the throw-away database and files")
    opts = parser.parse_args()

    name = f"ansinh_bench_import_{os.getpid()}"
    work = Path(tempfile.mkdtemp(prefix="ansinh-bench-import-"))
    env = {
        **os.environ,
        "ANSINH_ENV": "test",
        "DATABASE_URL": f"{opts.server}/{name}",
        "ANSINH_DATA_DIR": str(work),
        "IMPORT_MAX_UPLOAD_MB": "1000",
    }
    env.setdefault("DJANGO_SETTINGS_MODULE", "ansinh.config.settings")
    admin_url = f"{opts.server}/postgres"
    ansinh = [str(Path(PYTHON).with_name("ansinh"))]
    sql = [
        PYTHON,
        "-c",
        "import sys, psycopg; c = psycopg.connect(sys.argv[1], autocommit=True); c.execute(sys.argv[2])",
    ]
    run([*sql, admin_url, f'CREATE DATABASE "{name}"'], env)
    try:
        print(f"Throw-away database {name}: migrating and loading the units of province 79…", flush=True)
        run([*ansinh, "migrate", "-v0"], env)
        run([*ansinh, "load-units", "--province", "79"], env)

        print(f"Writing the synthetic city of {opts.households:,} households to XLSX (not timed)…", flush=True)
        households, members = map(
            int,
            run(
                [PYTHON, "-c", GENERATE, str(opts.households), str(opts.seed), str(opts.baseline), str(work)], env
            ).split(),
        )
        city = work / "city.xlsx"
        print(f"  {households:,} households, {members:,} members, {city.stat().st_size / 1e6:.0f} MB", flush=True)

        print(f"Baseline: django-import-export, default row-by-row import of {opts.baseline:,} households…", flush=True)
        out = run(
            [PYTHON, "-c", BASELINE, str(work / "baseline-households.xlsx"), str(work / "baseline-members.xlsx")], env
        )
        b_h, b_m, b_seconds, b_new_h, b_new_m = out.split()
        base_rows = int(b_h) + int(b_m)
        base_rate = base_rows / float(b_seconds)
        print(
            f"  {int(b_h):,} households + {int(b_m):,} members (new: {b_new_h}, {b_new_m}) in "
            f"{float(b_seconds):.1f} s = {base_rate:,.0f} rows/s",
            flush=True,
        )
        run(
            [
                *sql,
                env["DATABASE_URL"],
                "TRUNCATE registry_membership, registry_householdevent, "
                "registry_duplicateflag, registry_member, registry_household, audit_auditevent CASCADE",
            ],
            env,
        )

        load = os.getloadavg()[0]
        print("ansinh import city.xlsx --commit…", flush=True)
        seconds, peak_mb, out = run_measured([*ansinh, "import", str(city), "--commit"], env)
        print("  " + "\n  ".join(line for line in out.strip().splitlines() if not line.startswith("  [")))
        rows = households + members
        rate = rows / seconds
        print(
            f"  {rows:,} rows in {seconds:.1f} s (whole process) = {rate:,.0f} rows/s, peak memory {peak_mb:,.0f} MB",
            flush=True,
        )

        print("Again, the same file (nothing should change)…", flush=True)
        again_s, again_mb, out = run_measured([*ansinh, "import", str(city), "--commit"], env)
        print("  " + "\n  ".join(line for line in out.strip().splitlines() if line.startswith("Committed")))
        print(f"  {again_s:.1f} s, peak memory {again_mb:,.0f} MB")

        ratio = rate / base_rate
        print()
        print(f"cores: {os.cpu_count()}, load average before the import: {load:.1f}")
        print(
            f"ratio ansinh import / django-import-export: {ratio:.1f}x  "
            f"(goal >= {GOAL_RATIO}x: {'met' if ratio >= GOAL_RATIO else 'NOT met'})"
        )
        print(
            f"peak memory: {peak_mb:,.0f} MB  (goal < {GOAL_MEMORY_MB} MB: "
            f"{'met' if peak_mb < GOAL_MEMORY_MB else 'NOT met'})"
        )
    finally:
        if not opts.keep:
            run([*sql, admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'], env)
            import shutil

            shutil.rmtree(work, ignore_errors=True)
        else:
            print(f"kept: database {name}, files in {work}")


if __name__ == "__main__":
    main()
