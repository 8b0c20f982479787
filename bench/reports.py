"""Benchmark (not a test): the dashboards from the fact tables, against the same figures computed from the live
tables at request time, and the refresh after one ward's approval.

    .venv/bin/python bench/reports.py                          # 200,000 households (minutes on 2 cores)
    .venv/bin/python bench/reports.py --households 4000000     # issue 18's city (hours of seeding here)

Creates a throw-away PostgreSQL database ``ansinh_bench_reports_<pid>``, migrates it, loads the units of province
79, seeds ``--households`` households over every ward (``ansinh seed``, a subprocess), then writes, in bulk (not
timed): two years of the official list (an approved round per ward and year: 10 % of households poor and 10 %
near-poor in 2025; in 2026 a third of those leave and 5 % enter), the social assistance enrolments of the
qualifying people and one frozen payroll per ward, and a year of dossiers. Then:

* ``facts rebuild`` (every source, every ward), timed;
* **measured**: the city dashboard (the analyst's, every ward) and one ward's dashboard through Django's test
  client, ``--repeat`` times each; p50 / p95 of the server time (cold: Django's cache cleared before each
  request, so the figures' part is made again from the facts, as after a refresh; warm: a version already made).
  The application is loaded as ``ansinh serve`` loads it before forking its workers (views imported, the loaded
  objects frozen out of the cycle collector);
* **baseline**: the same dashboard's figures computed from the live tables at request time (each source's units
  for every ward, aggregated, then the same runners), ``--baseline-repeat`` times; the ratio of p95s (goal ≥ 20×)
  and the measured p95 against 300 ms;
* **drill**: the lists behind the city-wide figures (the poor households on the list of 31/12, those that
  escaped poverty in the year, the dossiers settled early or on time, the people paid in the year) and two of
  one ward, each link taken from the city dashboard as a user follows it, ``--drill-repeat`` times; p50 / p95
  and the list's count (goal: a few seconds at most, ideally < 1 s). ``--drill-only`` with ``--reuse`` times
  only these (it reads only: a kept database is left as it was);
* **refresh**: one more approved decision in one ward (new statuses), then ``facts.refresh`` of that ward's
  poverty slice (what the background task runs), timed (goal < 10 s).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from throwaway import in_database

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--households", type=int, default=200_000)
    parser.add_argument("--dossiers", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--baseline-repeat", type=int, default=3)
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--keep", action="store_true", help="keep the throw-away database")
    parser.add_argument("--profile", action="store_true", help="print where one city dashboard spends its time")
    parser.add_argument("--build-only", action="store_true", help="build the city, keep the database, time nothing")
    parser.add_argument("--reuse", help="time against this database (one kept with --build-only or --keep)")
    parser.add_argument("--drill-repeat", type=int, default=5, help="requests of each city-wide list")
    parser.add_argument("--drill-only", action="store_true", help="time only the city-wide lists (reads only)")
    opts = parser.parse_args()
    in_database(
        opts.server, "ansinh_bench_reports", lambda: run(opts), reuse=opts.reuse, keep=opts.keep or opts.build_only
    )


def _step(text: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {text}", flush=True)


def _p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _official_list(wards: list[str], admin: object) -> None:
    """Two years of approved rounds per ward and their official list, written in bulk."""
    import polars as pl
    from django.db import transaction

    from ansinh.dbframes import insert_model_frame, read_frame
    from ansinh.review.models import Decision, PovertyStatus, Round

    households = read_frame(
        "SELECT id AS household_id, ward_id AS ward_code FROM registry_household ORDER BY id",
        [],
        {"household_id": pl.Int64, "ward_code": pl.String},
    )
    with transaction.atomic():
        decisions: dict[tuple[str, int], int] = {}
        for year in (2025, 2026):
            rounds = Round.objects.bulk_create(
                Round(ward_id=w, kind="periodic", year=year, period_start=dt.date(year, 9, 1),
                      period_end=dt.date(year, 12, 14), assessed_on=dt.date(year, 9, 1),
                      standards=["vn_2022", "hcm_2024"], status="approved")
                for w in wards
            )  # fmt: skip
            made = Decision.objects.bulk_create(
                Decision(round=r, number=f"{r.ward_id}/{year}", date=dt.date(year, 11, 10), approved_by=admin,
                         created_at=dt.datetime(year, 11, 10, tzinfo=dt.UTC))
                for r in rounds
            )  # fmt: skip
            decisions.update({(r.ward_id, year): d.pk for r, d in zip(rounds, made, strict=True)})
        ids = pl.col("household_id")
        first = households.filter((ids % 10) < 2).with_columns(
            pl.when(ids % 10 == 0).then(pl.lit("poor")).otherwise(pl.lit("near_poor")).alias("class"),
            pl.lit(dt.date(2025, 11, 10)).alias("valid_from"),
            pl.when(ids % 3 == 0).then(pl.lit(dt.date(2026, 11, 9))).alias("valid_to"),
            pl.when(ids % 3 == 0).then(pl.lit("escaped")).otherwise(pl.lit("")).alias("end_reason"),
            pl.when(ids % 3 == 0).then(pl.lit(dt.date(2026, 11, 10))).alias("escaped_on"),
            pl.lit(2025).alias("year"),
        )
        second = households.filter(ids % 20 == 2).with_columns(
            pl.lit("poor").alias("class"),
            pl.lit(dt.date(2026, 11, 10)).alias("valid_from"),
            pl.lit(None, dtype=pl.Date).alias("valid_to"),
            pl.lit("").alias("end_reason"),
            pl.lit(None, dtype=pl.Date).alias("escaped_on"),
            pl.lit(2026).alias("year"),
        )
        rows = pl.concat([first, second])
        keys = pl.DataFrame(
            [(w, y, d) for (w, y), d in decisions.items()],
            schema={"ward_code": pl.String, "year": pl.Int32, "decision_id": pl.Int64},
            orient="row",
        )
        rows = rows.with_columns(pl.col("year").cast(pl.Int32)).join(keys, on=["ward_code", "year"])
        for standard in ("vn_2022", "hcm_2024"):
            insert_model_frame(
                PovertyStatus,
                rows.select(
                    ids.alias("household_id"), pl.col("ward_code").alias("ward_id"),
                    pl.lit(standard).alias("standard_id"), pl.col("class").alias("klass"), "valid_from", "valid_to",
                    "decision_id", "end_reason", "escaped_on",
                ),
            )  # fmt: skip


def _build(opts: argparse.Namespace) -> tuple[list[str], object, object]:
    """The city, its official list, enrolments and payrolls, and a year of dossiers (not timed)."""
    from django.core.management import call_command

    from ansinh.accounts.models import User
    from ansinh.dossiers.synth import build_year
    from ansinh.geo.models import Ward
    from ansinh.payments.actions import do_compute_payroll, do_create_payroll, do_freeze_payroll
    from ansinh.payments.demo import ensure_demo_enrolments

    _step("loading units")
    call_command("load_units", verbosity=0)
    wards_all = list(Ward.objects.filter(province_id="79", valid_to__isnull=True).values_list("code", flat=True))
    _step(f"seeding {opts.households:,} households over {len(wards_all)} wards (subprocess)")
    env = {**os.environ, "PYTHONPATH": str(HERE.parent / "src")}
    subprocess.run(
        [str(Path(sys.executable).with_name("ansinh")), "seed", "--households", str(opts.households),
         "--province", "79", "--wards", str(len(wards_all))],
        check=True, env=env, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    from ansinh.registry.models import Household

    wards = sorted(set(Household.objects.values_list("ward_id", flat=True).distinct()))
    admin = User.objects.create_superuser(username="bench", password="bench-password")
    analyst = User.objects.create_user(username="analyst", password="x", role="city_analyst", province_id="79")
    _step("official list: two approved years per ward (bulk)")
    _official_list(wards, admin)
    _step("enrolments and one frozen payroll per ward")
    ensure_demo_enrolments("79", dt.date(2026, 5, 1))
    for w in Ward.objects.filter(code__in=wards):
        payroll = do_create_payroll(actor=None, programme="social_assistance", month=dt.date(2026, 5, 1), ward=w)
        do_freeze_payroll(actor=None, payroll=do_compute_payroll(actor=None, payroll=payroll))
    _step(f"{opts.dossiers:,} dossiers of 2026")
    build_year(wards, year=2026, total=opts.dossiers, early_or_on_time=int(opts.dossiers * 0.98))

    return wards, admin, analyst


def run(opts: argparse.Namespace) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from ansinh.accounts.models import User
    from ansinh.reports import facts
    from ansinh.reports.queries import (
        DominantDeprivations,
        DossiersByWard,
        PovertyByWard,
        ProgrammeByCategory,
        scope_for,
    )
    from ansinh.reports.queries import (
        run as run_query,
    )
    from ansinh.reports.sources import load

    if not opts.drill_only:  # the lists alone read only (the database is migrated already)
        _step("migrating")
        call_command("migrate", verbosity=0)
    if opts.reuse:
        from ansinh.registry.models import Household

        wards = sorted(set(Household.objects.values_list("ward_id", flat=True).distinct()))
        admin = User.objects.get(username="bench")
        analyst = User.objects.get(username="analyst")
    else:
        wards, admin, analyst = _build(opts)
    if opts.build_only:
        return
    if opts.drill_only:
        _report_drill(_time_drill(analyst, wards[0], opts.drill_repeat))
        return
    _step("facts rebuild")
    started = time.perf_counter()
    built = facts.rebuild()
    rebuild_seconds = time.perf_counter() - started
    for b in built:
        print(f"  {b.source:8} wards {b.wards:>4}  facts {b.rows:>8}  {b.seconds:.2f} s")

    from django.test.utils import setup_test_environment

    setup_test_environment()  # the test client's host is allowed
    import gc

    from django.urls import get_resolver

    # As ``ansinh serve`` loads the application before forking its workers: every view imported, the loaded
    # objects frozen out of the cycle collector (a full collection then scans only what requests make).
    get_resolver().url_patterns  # noqa: B018
    gc.collect()
    gc.freeze()
    client = Client()
    client.force_login(analyst)
    ward = wards[0]
    pages = {"city": "/reports/?year=2026&standard=hcm_2024", "ward": f"/reports/ward/{ward}/?year=2026"}
    from django.core.cache import cache

    timings: dict[str, list[float]] = {}
    for name, url in pages.items():
        assert client.get(url).status_code == 200
        for kind in ("cold", "warm"):  # cold: the figures' part made again (as after a refresh); warm: a version seen
            times = []
            for _ in range(opts.repeat):
                if kind == "cold":
                    cache.clear()
                t = time.perf_counter()
                response = client.get(url)
                times.append(time.perf_counter() - t)
                assert response.status_code == 200
            timings[f"{name} {kind}"] = times

    if opts.profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.runcall(client.get, pages["city"])
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)
    _step("baseline: the city dashboard's figures from the live tables, at request time")
    scope = scope_for(analyst)
    baseline = []
    for _ in range(opts.baseline_repeat):
        t = time.perf_counter()
        import polars as pl

        parts = []
        for source in load().values():
            agg = facts.aggregate(source.units(None))
            parts.append(
                agg.with_columns(pl.lit(source.name).alias("source"), pl.lit(0).cast(pl.Int64).alias("batch_id"))
            )
        frame = pl.concat(parts, how="diagonal")
        for query in (PovertyByWard(2026, "hcm_2024"), ProgrammeByCategory(2026), DossiersByWard(2026)):
            run_query(query, frame, scope.names)
        run_query(DominantDeprivations(2026, "hcm_2024"), frame, scope.names)
        baseline.append(time.perf_counter() - t)

    _step("drill: the lists behind the city-wide figures")
    drill = _time_drill(analyst, ward, opts.drill_repeat)

    _step(f"refresh: a new decision in ward {ward}, then its poverty slice")
    from ansinh.dbframes import insert_model_frame
    from ansinh.review.models import Decision, PovertyStatus, Round

    r = Round.objects.create(ward_id=ward, kind="regular", year=2026, period_start=dt.date(2026, 12, 1),
                             period_end=dt.date(2026, 12, 5), assessed_on=dt.date(2026, 12, 1),
                             standards=["hcm_2024"], status="approved")  # fmt: skip
    d = Decision.objects.create(round=r, number=f"bench-{time.time_ns()}", date=dt.date(2026, 12, 5), approved_by=admin,
                                created_at=dt.datetime(2026, 12, 5, tzinfo=dt.UTC))  # fmt: skip
    fresh = pl.DataFrame({"household_id": list(
        Household.objects.filter(ward_id=ward).exclude(poverty_statuses__valid_to__isnull=True)
        .values_list("pk", flat=True)[:50])}, schema={"household_id": pl.Int64})  # fmt: skip
    insert_model_frame(PovertyStatus, fresh.with_columns(
        pl.lit(ward).alias("ward_id"), pl.lit("hcm_2024").alias("standard_id"), pl.lit("poor").alias("klass"),
        pl.lit(dt.date(2026, 12, 5)).alias("valid_from"), pl.lit(d.pk).alias("decision_id")))  # fmt: skip
    t = time.perf_counter()
    refreshed = facts.refresh("poverty", [ward], reason="bench")
    refresh_seconds = time.perf_counter() - t

    print()
    from ansinh.dossiers.models import Dossier
    from ansinh.reports.models import Fact, YearFact

    current = {"batch__current": True}
    print(f"households {Household.objects.count():,} in {len(wards)} wards; "
          f"statuses {PovertyStatus.objects.count():,}; dossiers {Dossier.objects.count():,}; "
          f"facts {Fact.objects.filter(**current).count():,} (year rows "
          f"{YearFact.objects.filter(**current).count():,}); facts rebuild {rebuild_seconds:.1f} s")  # fmt: skip
    for name, times in timings.items():
        print(f"dashboard {name:10} p50 {1000 * _p(times, 0.5):7.1f} ms  p95 {1000 * _p(times, 0.95):7.1f} ms"
              f"  (n={len(times)}; goal p95 < 300 ms)")  # fmt: skip
    base95 = _p(baseline, 0.95)
    print(
        f"baseline (live tables, city)  p50 {1000 * statistics.median(baseline):7.1f} ms  p95 {1000 * base95:7.1f} ms"
    )
    for kind in ("cold", "warm"):
        print(f"ratio city {kind} p95: {base95 / _p(timings[f'city {kind}'], 0.95):.1f}x  (goal >= 20x)")
    print(f"load average {os.getloadavg()[0]:.1f} (2 cores)")
    print(f"refresh after one ward's decision: {refresh_seconds:.2f} s ({refreshed.rows} facts; goal < 10 s)")
    _report_drill(drill)


def _time_drill(analyst: object, ward: str, repeat: int) -> dict[str, tuple[str, int, list[float]]]:
    """The lists behind the city-wide figures (no ward) of the analyst's city dashboard: the poor households on
    the list of 31/12 (the standard's figure), those who escaped poverty in the year, the dossiers settled early
    or on time and the people paid in the year; each link found on the page, as a user follows it; and the
    first two for one ward. Returns name → (link, the list's count, server times)."""
    import re

    from django.test import Client
    from django.test.utils import setup_test_environment

    try:
        setup_test_environment()  # the test client's host is allowed
    except RuntimeError:
        pass  # already set up by the dashboards' timing
    client = Client()
    client.force_login(analyst)
    page = client.get("/reports/?year=2026&standard=hcm_2024").content.decode()
    links = [h.replace("&amp;", "&") for h in re.findall(r'href="(/reports/list/\?[^"]+)"', page)]

    def city_link(measure: str, tail: str) -> str:
        return next(h for h in links if h.startswith(f"/reports/list/?m={measure}&year=2026") and h.endswith(tail)
                    and "ward=" not in h)  # fmt: skip

    out: dict[str, tuple[str, int, list[float]]] = {}
    for name, url in (
        ("poverty", city_link("poverty.households", "category=poor")),
        ("flow", city_link("poverty.flow", "category=escaped_poverty")),
        ("dossier", city_link("dossier.settled", "category=early,on_time")),
        ("payroll", city_link("payroll.beneficiaries", "year=2026")),
        ("ward poverty", city_link("poverty.households", "category=poor") + f"&ward={ward}"),
        ("ward flow", city_link("poverty.flow", "category=escaped_poverty") + f"&ward={ward}"),
    ):
        times, count = [], 0
        for _ in range(repeat):
            t = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - t)
            assert response.status_code == 200, url
            count = int(re.search(r'data-count="(\d+)"', response.content.decode()).group(1))  # type: ignore[union-attr]
        out[name] = (url, count, times)
    return out


def _report_drill(drill: dict[str, tuple[str, int, list[float]]]) -> None:
    for name, (url, count, times) in drill.items():
        print(f"drill {name:12} p50 {1000 * _p(times, 0.5):8.1f} ms  p95 {1000 * _p(times, 0.95):8.1f} ms"
              f"  ({count:,} records; n={len(times)}; goal a few seconds at most, ideally < 1 s)  {url}")  # fmt: skip
    print(f"load average {os.getloadavg()[0]:.1f} (2 cores)")


if __name__ == "__main__":
    main()
