"""Benchmark (not a test): the dossiers' period report and the Decision 766 indicators, set-based, against the same
figures computed dossier by dossier through the ORM on a sample, in the same run.

    .venv/bin/python bench/dossiers.py                               # 100,000 dossiers a year, one year
    .venv/bin/python bench/dossiers.py --dossiers 200000 --years 5   # 1,000,000 dossiers (issue 16's size)
    .venv/bin/python bench/dossiers.py --dossiers 200000 --years 5 --build-only   # build once, keep it
    flock /work/wt/bench.lock .venv/bin/python bench/dossiers.py --dossiers 200000 --reuse ansinh_bench_dossiers_<pid>

Creates a throw-away PostgreSQL database (``--prefix``), migrates it, loads the units of province 79 and writes
``--years`` years of dossiers ending in 2023 across every ward with their events, ratings, attached-file rows and
feedback, in set-based SQL (``generate_series``; the rows are those the actions write: received, accepted with
its appointment, decided, returned), and derives each year's summary of the event times set-based with the
function the actions call (``dossiers.summary.refresh_range``). Then, for the last year, it times

* the period report for the city and every ward (one statement);
* the 766 indicators for the city and every ward (the report, the ratings, the PAKN report, the digitised count);

and, as the baseline, the same classification dossier by dossier through the ORM (``queries.timeliness`` and a
rating and a file query per dossier) on ``--sample`` dossiers of that year, scaled to the year's dossiers.
Prints the timings and ratios; the goals are at least 50x the baseline and under 1 s for a city-year.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import time
from pathlib import Path

from throwaway import in_database

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))
GOAL = 50.0
# The department's 2023 review: 32,454 of 33,104 settled early or on time.
LATE_SHARE = (33_104 - 32_454) / 33_104


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dossiers", type=int, default=100_000, help="dossiers per year")
    parser.add_argument("--years", type=int, default=1)
    parser.add_argument("--sample", type=int, default=2_000)
    parser.add_argument("--repeat", type=int, default=5, help="timed runs of each (the median is the figure)")
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--prefix", default="ansinh_bench_dossiers", help="name of the throw-away database")
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--reuse", help="time against this database (one kept with --keep) without building")
    parser.add_argument("--build-only", action="store_true", help="build and keep the database, time nothing")
    opts = parser.parse_args()

    in_database(opts.server, opts.prefix, lambda: run(opts), reuse=opts.reuse, keep=opts.keep or opts.build_only)


BUILD = """
WITH wards AS (SELECT array_agg(code ORDER BY code) AS codes FROM geo_ward WHERE province_id = '79'
               AND valid_to IS NULL)
INSERT INTO dossiers_dossier (code, secret_hash, procedure, ward_id, receiving_ward_id, channel, status,
                              applicant_name, applicant_phone, documents, received_at)
SELECT 'B' || %(year)s || '-' || g, '', 'poverty_certificate', w.codes[1 + g %% array_length(w.codes, 1)],
       w.codes[1 + g %% array_length(w.codes, 1)], (ARRAY['online', 'counter', 'post'])[1 + (g * 7) %% 3],
       'returned', 'Người nộp (dữ liệu mẫu)', '', '["request"]'::jsonb,
       make_timestamptz(%(year)s, 1, 2, 8, 0, 0, 'Asia/Ho_Chi_Minh')
         + ((g * 37) %% 355) * interval '1 day' + ((g * 11) %% 8) * interval '1 hour'
FROM generate_series(1, %(n)s) g, wards w
"""

EVENTS = """
INSERT INTO dossiers_dossierevent (dossier_id, seq, kind, status, at, appointment, reason, unit, data)
SELECT d.id, s.seq, s.kind, s.status,
       CASE s.seq WHEN 1 THEN d.received_at WHEN 2 THEN d.received_at
            ELSE d.received_at + CASE WHEN (d.id * 2654435761 %% 100000) < %(late)s * 100000
                                      THEN interval '10 days' ELSE ((d.id %% 6) + 1) * interval '1 day' END
                 + CASE s.seq WHEN 4 THEN interval '1 hour' ELSE interval '0' END END,
       CASE s.seq WHEN 2 THEN d.received_at + interval '7 days' END, '', '',
       CASE s.seq WHEN 1 THEN jsonb_build_object('channel', d.channel)
                              || CASE WHEN d.channel = 'online' THEN '{"files": 1}'::jsonb ELSE '{}'::jsonb END
                  ELSE '{}'::jsonb END
FROM dossiers_dossier d
CROSS JOIN (VALUES (1, 'received', 'received'), (2, 'accepted', 'accepted'), (3, 'decided', 'decided'),
                   (4, 'returned', 'returned')) AS s(seq, kind, status)
WHERE d.code LIKE 'B' || %(year)s || '-%%'
"""

RATINGS = """
INSERT INTO dossiers_rating (dossier_id, channel, level, criteria, comment, at)
SELECT d.id, 'web', CASE WHEN d.id %% 300 = 0 THEN 2 ELSE 4 + d.id %% 2 END, '{}'::jsonb, '',
       d.received_at + interval '12 days'
FROM dossiers_dossier d WHERE d.code LIKE 'B' || %(year)s || '-%%' AND d.id %% 4 = 0
"""

FILES = """
INSERT INTO dossiers_attachment (dossier_id, document, name, content_type, size, sha256, key, at)
SELECT d.id, 'request', 'don.pdf', 'application/pdf', 1000, md5(d.code), md5(d.code), d.received_at
FROM dossiers_dossier d WHERE d.code LIKE 'B' || %(year)s || '-%%' AND d.channel = 'online'
"""


def build(year: int, n: int) -> None:
    from django.db import connection, transaction

    from ansinh.dossiers import summary

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(BUILD, {"year": year, "n": n})
        for sql in (EVENTS, RATINGS, FILES):
            cursor.execute(sql, {"year": year, "late": LATE_SHARE})
        # The summary of the event times, derived set-based by the function the actions call per dossier.
        cursor.execute("SELECT MIN(id), MAX(id) FROM dossiers_dossier WHERE code LIKE %s", [f"B{year}-%"])
        first, last = cursor.fetchone()
        summary.refresh_range(first, last)


def run(opts: argparse.Namespace) -> None:
    import datetime as dt

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from ansinh.dossiers import indicators
    from ansinh.dossiers.models import Dossier
    from ansinh.dossiers.queries import timeliness
    from ansinh.dossiers.reports import period_report
    from ansinh.dossiers.synth import build_feedback
    from ansinh.geo.models import Ward

    last = 2023
    t = time.perf_counter()
    if not opts.reuse:
        call_command("migrate", verbosity=0)
        call_command("load_units", province="79", stdout=io.StringIO())
        wards = list(Ward.objects.filter(province_id="79", valid_to__isnull=True).values_list("code", flat=True))
        for year in range(last - opts.years + 1, last + 1):
            build(year, opts.dossiers)
        build_feedback(wards, year=last, total=129)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")  # as autovacuum leaves a database after a bulk load
    total = Dossier.objects.count()
    wards = Dossier.objects.values("ward_id").distinct().count()
    print(f"{total:,} dossiers ({opts.years} years, {wards} wards) built in {time.perf_counter() - t:.1f} s")
    if opts.build_only:
        return
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")

    start, end = dt.date(last, 1, 1), dt.date(last + 1, 1, 1)
    period_report(start, end)  # warm the cache as a page would find it
    times = []
    for _ in range(opts.repeat):
        t = time.perf_counter()
        rows = period_report(start, end)
        times.append(time.perf_counter() - t)
    fast_report = statistics.median(times)
    city = rows[-1]
    print(
        f"period report, city + {len(rows) - 1} wards, one year: median {fast_report:.3f} s of {opts.repeat} "
        f"({', '.join(f'{x:.3f}' for x in times)}); received {city.received:,}, on time {city.on_time_rate:.1%}; "
        "identity holds on every row"
    )
    before = period_report(dt.date(last - 1, 1, 1), start)[-1]
    print(
        f"carried over {city.carried_over:,} = open at the end of {last - 1} {before.open:,}: "
        f"{city.carried_over == before.open}"
    )
    times = []
    for _ in range(opts.repeat):
        t = time.perf_counter()
        _items, scores = indicators.scores(start, end)
        times.append(time.perf_counter() - t)
    fast_766 = statistics.median(times)
    city_scores = ", ".join(f"{s.indicator.code} {s.points}" for s in scores[""])
    print(
        f"766 indicators, city + {len(scores) - 1} wards: median {fast_766:.3f} s "
        f"({', '.join(f'{x:.3f}' for x in times)}) ({city_scores})"
    )

    sample = list(
        Dossier.objects.filter(received_at__gte=timezone.make_aware(dt.datetime(last, 1, 1))).order_by("?")[
            : opts.sample
        ]
    )
    moment = timezone.make_aware(dt.datetime(last, 12, 31, 23, 59))
    t = time.perf_counter()
    for d in sample:
        timeliness(d, moment)
    report_each = (time.perf_counter() - t) / len(sample)
    t = time.perf_counter()
    for d in sample:
        timeliness(d, moment)
        d.ratings.filter(level__gte=4).exists()
        d.attachments.exists()
    each_766 = (time.perf_counter() - t) / len(sample)
    slow_report, slow_766 = report_each * opts.dossiers, each_766 * opts.dossiers
    print(f"baseline, dossier by dossier through the ORM ({len(sample):,} sampled), scaled to {opts.dossiers:,}:")
    print(f"  period report {slow_report:.1f} s -> ratio {slow_report / fast_report:.0f}x")
    print(f"  766 indicators {slow_766:.1f} s -> ratio {slow_766 / fast_766:.0f}x")
    ok = min(slow_report / fast_report, slow_766 / fast_766) >= GOAL and max(fast_report, fast_766) < 1.0
    print(f"goal: at least {GOAL:.0f}x and under 1 s for a city-year: {'met' if ok else 'NOT met'}")


if __name__ == "__main__":
    main()
