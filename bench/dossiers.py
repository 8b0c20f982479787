"""Benchmark (not a test): the dossiers' period report, set-based, against the same report dossier by dossier.

    .venv/bin/python bench/dossiers.py                       # 100,000 dossiers a year; baseline sample 2,000
    .venv/bin/python bench/dossiers.py --dossiers 200000 --years 5   # 1,000,000 dossiers (issue 16's size)

Creates a throw-away PostgreSQL database ``ansinh_bench_dossiers_<pid>``, migrates it, loads the units of
province 79, builds ``--years`` synthetic years of dossiers across every ward (``ansinh.dossiers.synth``), then
times the period report of one year for the city and every ward (one statement) and, as the baseline, the same
classification computed dossier by dossier through the ORM (``queries.timeliness``) on a sample, scaled to the
year's dossiers. Prints both rates and their ratio; the goal is at least 50x and under 1 s for a city-year.
"""

from __future__ import annotations

import argparse
import io
import sys
import time
from pathlib import Path

from throwaway import in_throwaway_database

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))
GOAL = 50.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dossiers", type=int, default=100_000, help="dossiers per year")
    parser.add_argument("--years", type=int, default=1)
    parser.add_argument("--sample", type=int, default=2_000)
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--keep", action="store_true")
    opts = parser.parse_args()

    in_throwaway_database(opts.server, "ansinh_bench_dossiers", lambda: run(opts), keep=opts.keep)


def run(opts: argparse.Namespace) -> None:
    import datetime as dt

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from ansinh.dossiers.models import Dossier
    from ansinh.dossiers.queries import timeliness
    from ansinh.dossiers.reports import period_report
    from ansinh.dossiers.synth import build_year
    from ansinh.geo.models import Ward

    call_command("migrate", verbosity=0)
    call_command("load_units", province="79", stdout=io.StringIO())
    wards = list(Ward.objects.filter(province_id="79").values_list("code", flat=True))
    first = 2023 - opts.years + 1
    t = time.perf_counter()
    for year in range(first, 2024):
        on_time = round(opts.dossiers * 32_454 / 33_104)
        build_year(wards, year=year, total=opts.dossiers, early_or_on_time=on_time, seed=year)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"built {opts.dossiers * opts.years:,} dossiers in {time.perf_counter() - t:.1f} s", flush=True)

    start, end = dt.date(2023, 1, 1), dt.date(2024, 1, 1)
    t = time.perf_counter()
    rows = period_report(start, end)
    fast = time.perf_counter() - t
    city = rows[-1]
    print(f"period report, city + {len(rows) - 1} wards, one year: {fast:.3f} s; on time {city.on_time_rate:.1%}")

    sample = list(Dossier.objects.filter(received_at__year=2023).order_by("?")[: opts.sample])
    last = timezone.make_aware(dt.datetime(2023, 12, 31, 23, 59))
    t = time.perf_counter()
    for d in sample:
        timeliness(d, last)
    slow = (time.perf_counter() - t) / len(sample) * opts.dossiers
    print(f"baseline, dossier by dossier through the ORM, scaled to {opts.dossiers:,}: {slow:.1f} s")
    print(f"ratio {slow / fast:.0f}x (goal {GOAL:.0f}x, under 1 s for a city-year)")


if __name__ == "__main__":
    main()
