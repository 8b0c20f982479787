"""Benchmark ``ansinh seed`` into PostgreSQL against row-by-row Django ORM inserts (not a test).

    .venv/bin/python bench/seed.py                      # 1,000,000 households, 10,000 for the baseline
    .venv/bin/python bench/seed.py --households 100000  # a quicker run

Creates a throw-away database on the server of ``--server`` (default the local one), migrates it and
loads the units of province 79, then in the same run:

1. baseline: ``Household.objects.create`` + ``Member.objects.create`` for every row of a sample of
   ``--baseline`` households (inside one transaction, so commits are not what it measures; the
   generation of the sample is not timed), then the tables are emptied;
2. ``ansinh seed --households N`` in a subprocess, timed end to end (generation included, and it
   also writes memberships and events), with the subprocess's peak resident memory (``ru_maxrss``).

It prints both rates, their ratio and the peak memory, against the goal of issue 2: at least 20x the
baseline's rate and under 2 GB on a 2-core machine. The database is dropped afterwards (``--keep`` keeps it).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
GOAL_RATIO = 20
GOAL_MEMORY_MB = 2048


def run(args: list[str], env: dict[str, str]) -> str:
    """Run a command and return its output; stop the benchmark if it fails."""
    done = subprocess.run(args, env=env, cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode:
        sys.exit(f"{' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def run_measured(args: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """Run a command; return (seconds, its peak resident memory in MB, output).

    The child is reaped with ``wait4`` to read its own ``ru_maxrss`` (kB on Linux).
    """
    started = time.perf_counter()
    proc = subprocess.Popen(args, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert proc.stdout is not None
    out = proc.stdout.read()
    _pid, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        sys.exit(f"{' '.join(args)} failed:\n{out}")
    return elapsed, usage.ru_maxrss / 1024, out


BASELINE = r"""
import sys, time
import django
django.setup()
from django.db import transaction
from ansinh.geo.models import Ward
from ansinh.registry.models import Household, Member
from ansinh.synth import generate

n = int(sys.argv[1])
wards = list(Ward.objects.current().filter(province_id="79").order_by("code").values_list("code", "area_type"))
households, members = generate(n, wards, seed=int(sys.argv[2]), first_household_id=1, first_member_id=1)
hh_rows = households.drop("household_id", "registered_on").rename({"ward_code": "ward_id"}).to_dicts()
by_household = members.drop("member_id").partition_by("household_id", as_dict=True, maintain_order=True)
started = time.perf_counter()
with transaction.atomic():
    for row, (_key, mm) in zip(hh_rows, by_household.items()):
        household = Household.objects.create(**row)
        for m in mm.drop("household_id").to_dicts():
            m["school_level"] = m["school_level"] or ""
            m["nutrition_status"] = m["nutrition_status"] or ""
            Member.objects.create(household=household, **m)
elapsed = time.perf_counter() - started
print(f"{n} {members.height} {elapsed:.3f}")
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--households", type=int, default=1_000_000)
    parser.add_argument("--baseline", type=int, default=10_000, help="households inserted row by row")
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--keep", action="store_true", help="keep the throw-away database")
    opts = parser.parse_args()

    name = f"ansinh_bench_seed_{os.getpid()}"
    env = {**os.environ, "ANSINH_ENV": "test", "DATABASE_URL": f"{opts.server}/{name}"}
    env.setdefault("DJANGO_SETTINGS_MODULE", "ansinh.config.settings")
    admin_env = {**env, "DATABASE_URL": f"{opts.server}/postgres"}
    ansinh = [str(Path(PYTHON).with_name("ansinh"))]
    sql = [
        PYTHON,
        "-c",
        "import sys, psycopg; c = psycopg.connect(sys.argv[1], autocommit=True); c.execute(sys.argv[2])",
    ]
    run([*sql, admin_env["DATABASE_URL"], f'CREATE DATABASE "{name}"'], env)
    try:
        print(f"Throw-away database {name}: migrating and loading the units of province 79…", flush=True)
        run([*ansinh, "migrate", "-v0"], env)
        run([*ansinh, "load-units", "--province", "79"], env)

        print(f"Baseline: row-by-row ORM inserts of {opts.baseline:,} households…", flush=True)
        out = run([PYTHON, "-c", BASELINE, str(opts.baseline), str(opts.seed)], env)
        base_households, base_members, base_seconds = out.split()
        base_rate = int(base_households) / float(base_seconds)
        print(
            f"  {int(base_households):,} households, {int(base_members):,} members in {float(base_seconds):.1f} s"
            f" = {base_rate:,.0f} households/s",
            flush=True,
        )
        run([*sql, env["DATABASE_URL"], "TRUNCATE registry_member, registry_household CASCADE"], env)

        load = os.getloadavg()[0]
        print(f"Seed: ansinh seed --households {opts.households:,}…", flush=True)
        seconds, peak_mb, out = run_measured(
            [*ansinh, "seed", "--households", str(opts.households), "--province", "79", "--seed", str(opts.seed)], env
        )
        rate = opts.households / seconds
        print("  " + out.strip().replace("\n", "\n  "))
        print(
            f"  {opts.households:,} households in {seconds:.1f} s (whole process) = {rate:,.0f} households/s,"
            f" peak memory {peak_mb:,.0f} MB",
            flush=True,
        )

        ratio = rate / base_rate
        print()
        print(f"cores: {os.cpu_count()}, load average before the seed: {load:.1f}")
        verdict = "met" if ratio >= GOAL_RATIO else "NOT met"
        print(f"ratio seed / row-by-row ORM: {ratio:.1f}x  (goal >= {GOAL_RATIO}x: {verdict})")
        print(
            f"peak memory: {peak_mb:,.0f} MB  (goal < {GOAL_MEMORY_MB} MB: "
            f"{'met' if peak_mb < GOAL_MEMORY_MB else 'NOT met'})"
        )
    finally:
        if not opts.keep:
            run([*sql, admin_env["DATABASE_URL"], f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'], env)


if __name__ == "__main__":
    main()
