"""Benchmark ``ansinh seed`` into PostgreSQL against row-by-row Django ORM inserts (not a test).

    .venv/bin/python bench/seed.py                      # 1,000,000 households, 10,000 for the baseline
    .venv/bin/python bench/seed.py --households 100000  # a quicker run

Creates a throw-away database on the server of ``--server`` (default the local one), migrates it and
loads the units of province 79, then in the same run:

1. baseline: ``Household.objects.create`` + ``Member.objects.create`` for every row of a sample of
   ``--baseline`` households (inside one transaction, so commits are not what it measures; the
   generation of the sample is not timed), then the tables are emptied;
2. ``ansinh seed --households N`` in a subprocess, timed end to end (start-up and generation included,
   and it also writes memberships and events), with the subprocess's peak resident memory (``ru_maxrss``).

It prints both rates, their ratio and the peak memory against the goal of issue 2 (at least 20x the
baseline's rate, under 2 GB, on 2 cores). Wall-clock rates depend on what else the machine runs, so it
also prints the CPU seconds each side spent per household, client process plus PostgreSQL backends (read
from /proc when the server runs on this machine), and their ratio, which other jobs disturb much less.
The database is dropped afterwards (``--keep`` keeps it).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlparse

import psycopg

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
GOAL_RATIO = 20
GOAL_MEMORY_MB = 2048
TICKS = os.sysconf("SC_CLK_TCK")


def run(args: list[str], env: dict[str, str]) -> str:
    """Run a command and return its output; stop the benchmark if it fails."""
    done = subprocess.run(args, env=env, cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode:
        sys.exit(f"{' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def run_measured(args: list[str], env: dict[str, str]) -> tuple[float, float, float, str]:
    """Run a command; return (seconds, CPU seconds, peak resident memory in MB, output).

    The child is reaped with ``wait4`` to read its own rusage (``ru_maxrss`` is in kB on Linux).
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
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, out


class BackendCpu(threading.Thread):
    """Samples the CPU time of every PostgreSQL backend connected to one database.

    Reads ``/proc/<pid>/stat``, so only for a server on this machine; otherwise ``stop`` returns None.
    """

    def __init__(self, admin_url: str, database: str) -> None:
        super().__init__(daemon=True)
        self.admin_url, self.database = admin_url, database
        self.local = urlparse(admin_url).hostname in ("127.0.0.1", "localhost", "::1") and Path("/proc").is_dir()
        self.seen: dict[int, float] = {}
        self._done = threading.Event()

    def run(self) -> None:
        if not self.local:
            return
        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            while not self._done.is_set():
                rows = conn.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s", [self.database])
                for (pid,) in rows.fetchall():
                    try:
                        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                    except OSError:  # the backend has just ended
                        continue
                    self.seen[pid] = max(self.seen.get(pid, 0.0), (int(fields[11]) + int(fields[12])) / TICKS)
                self._done.wait(0.2)

    def stop(self) -> float | None:
        self._done.set()
        self.join()
        return sum(self.seen.values()) if self.seen else None


BASELINE = r"""
import resource, sys, time
import django
django.setup()
from django.db import transaction
from ansinh.geo.models import Ward
from ansinh.registry.models import Household, Member
from ansinh.synth import generate

def cpu():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime

n = int(sys.argv[1])
wards = list(Ward.objects.current().filter(province_id="79").order_by("code").values_list("code", "area_type"))
households, members = generate(n, wards, seed=int(sys.argv[2]), first_household_id=1, first_member_id=1)
hh_rows = households.drop("household_id", "registered_on").rename({"ward_code": "ward_id"}).to_dicts()
by_household = members.drop("member_id").partition_by("household_id", as_dict=True, maintain_order=True)
started, cpu_started = time.perf_counter(), cpu()
with transaction.atomic():
    for row, (_key, mm) in zip(hh_rows, by_household.items()):
        household = Household.objects.create(**row)
        for m in mm.drop("household_id").to_dicts():
            m["school_level"] = m["school_level"] or ""
            m["nutrition_status"] = m["nutrition_status"] or ""
            Member.objects.create(household=household, **m)
print(f"{n} {members.height} {time.perf_counter() - started:.3f} {cpu() - cpu_started:.3f}")
"""


def per_household_ms(client: float, server: float | None, households: int) -> str:
    if server is None:
        return f"client {1000 * client / households:.3f} ms (server CPU not readable)"
    return (
        f"client {1000 * client / households:.3f} + server {1000 * server / households:.3f}"
        f" = {1000 * (client + server) / households:.3f} ms CPU per household"
    )


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
    admin_url = f"{opts.server}/postgres"
    ansinh = [str(Path(PYTHON).with_name("ansinh"))]
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        print(f"Throw-away database {name}: migrating and loading the units of province 79…", flush=True)
        run([*ansinh, "migrate", "-v0"], env)
        run([*ansinh, "load-units", "--province", "79"], env)

        print(f"Baseline: row-by-row ORM inserts of {opts.baseline:,} households…", flush=True)
        sampler = BackendCpu(admin_url, name)
        sampler.start()
        out = run([PYTHON, "-c", BASELINE, str(opts.baseline), str(opts.seed)], env)
        base_server = sampler.stop()
        households_, members_, seconds_, cpu_ = out.split()
        base_n, base_seconds, base_client = int(households_), float(seconds_), float(cpu_)
        base_rate = base_n / base_seconds
        print(
            f"  {base_n:,} households, {int(members_):,} members in {base_seconds:.1f} s"
            f" = {base_rate:,.0f} households/s",
            flush=True,
        )
        print("  " + per_household_ms(base_client, base_server, base_n), flush=True)
        with psycopg.connect(env["DATABASE_URL"], autocommit=True) as conn:
            conn.execute("TRUNCATE registry_member, registry_household CASCADE")

        load = os.getloadavg()[0]
        print(f"Seed: ansinh seed --households {opts.households:,}…", flush=True)
        sampler = BackendCpu(admin_url, name)
        sampler.start()
        seconds, client, peak_mb, out = run_measured(
            [*ansinh, "seed", "--households", str(opts.households), "--province", "79", "--seed", str(opts.seed)], env
        )
        server = sampler.stop()
        rate = opts.households / seconds
        print("  " + out.strip().replace("\n", "\n  "))
        print(
            f"  {opts.households:,} households in {seconds:.1f} s (whole process) = {rate:,.0f} households/s,"
            f" peak memory {peak_mb:,.0f} MB",
            flush=True,
        )
        print("  " + per_household_ms(client, server, opts.households), flush=True)

        ratio = rate / base_rate
        print()
        print(f"cores: {os.cpu_count()}, load average before the seed: {load:.1f}")
        verdict = "met" if ratio >= GOAL_RATIO else "NOT met"
        print(f"ratio seed / row-by-row ORM, households per second: {ratio:.1f}x  (goal >= {GOAL_RATIO}x: {verdict})")
        if server is not None and base_server is not None:
            cpu_ratio = ((base_client + base_server) / base_n) / ((client + server) / opts.households)
            print(f"ratio of CPU time per household (less sensitive to other jobs): {cpu_ratio:.1f}x")
        print(
            f"peak memory: {peak_mb:,.0f} MB  (goal < {GOAL_MEMORY_MB} MB: "
            f"{'met' if peak_mb < GOAL_MEMORY_MB else 'NOT met'})"
        )
    finally:
        if not opts.keep:
            with psycopg.connect(admin_url, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
