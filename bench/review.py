"""Benchmark (not a test): assessing a review round of N households on PostgreSQL, from reading the registry
to storing every result, against the engine's in-memory time on the same population in the same run.

    .venv/bin/python bench/review.py                      # 200,000 households, both HCMC standards
    .venv/bin/python bench/review.py --households 20000   # quicker

Needs the PostgreSQL server at 127.0.0.1:5432 (``--server`` otherwise). It creates a throw-away database
``ansinh_bench_review_<pid>``, migrates it, loads the units of province 79, seeds N households into one
ward with ``ansinh seed`` and drops the database at the end (``--keep`` to keep it).

* **Baseline** (in memory): ``ansinh.engine.assess`` under each of the round's standards on the round's
  frames, already read (the best case of the engine alone). Best of ``--repeat`` runs.
* **Measured** (database round trip): ``ansinh.review.actions.do_assess_round`` — read the registry (COPY),
  run the engine per standard, compare with the previous decision, store every Assessment row (COPY, one
  standard's rows while the engine computes the next), move every household of the round to ``assessed``
  (one event row listing them), audit — one transaction. The first run stores into an empty round; a
  re-run also deletes the previous results.
* **Goal** (issue 5): measured / baseline ≤ 5.
* **Database floor** (what PostgreSQL alone needs, whatever the application does): the server sends the
  round's registry rows (the same two queries ``ward_frames`` runs, as COPY, the bytes received and dropped:
  no parsing, no engine) and takes the round's results back (``COPY FROM`` the bytes of the stored rows' key
  and result columns into a temporary table without any index, trigger or constraint). Best of
  ``--repeat``. When the floor alone is above the goal, no change to the application can meet it on this
  machine and server.

Besides wall time it prints the CPU seconds of this process (all threads) and of the PostgreSQL backend
serving it (from /proc), which say more than the wall time on a machine shared with other jobs.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import time
from pathlib import Path
from typing import Any

from throwaway import in_throwaway_database

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))
GOAL = 5.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--households", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=3, help="runs of the in-memory baseline (best is kept)")
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--keep", action="store_true", help="keep the throw-away database")
    opts = parser.parse_args()

    in_throwaway_database(opts.server, "ansinh_bench_review", lambda: run(opts), keep=opts.keep)


def run(opts: argparse.Namespace) -> None:
    import django

    django.setup()
    import polars as pl
    from django.core.management import call_command
    from django.db import connection, transaction

    from ansinh.accounts.models import User
    from ansinh.engine import assess
    from ansinh.geo.models import Ward
    from ansinh.registry.models import Household
    from ansinh.review import actions
    from ansinh.review.actions import listing
    from ansinh.review.frames import ward_frames
    from ansinh.review.models import Assessment, HouseholdSource, Round

    quiet = io.StringIO()
    print("Migrating, loading the units of province 79…", flush=True)
    call_command("migrate", verbosity=0)
    call_command("load_units", province="79", stdout=quiet)
    print(f"Seeding {opts.households:,} households into one ward…", flush=True)
    t = time.perf_counter()
    call_command("seed", households=opts.households, province="79", wards=1, seed=2026, stdout=quiet)
    print(f"  {time.perf_counter() - t:.1f} s", flush=True)
    ward = Ward.objects.get(code=Household.objects.values_list("ward_id", flat=True).distinct().get())
    actor = User.objects.create_superuser("bench", password="bench-only")

    review_round = actions.do_create_round(actor=actor, ward=ward, kind="periodic", year=2025)
    hh, mm = ward_frames([ward.code], review_round.assessed_on)
    with transaction.atomic():
        added = listing.add_entries(
            actor,
            review_round,
            hh.select("household_id"),
            HouseholdSource.OFFICER,
            review_round.period_start,
            "benchmark",
        )
    # A production database has statistics; a bulk load leaves none until autovacuum comes round.
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    actions.do_move_round(actor=actor, review_round=review_round, to_status="listing")
    actions.do_move_round(actor=actor, review_round=review_round, to_status="surveying")
    print(
        f"Round {review_round.pk}: ward {ward.code}, {added:,} households, {mm.height:,} members, "
        f"standards {review_round.standards}",
        flush=True,
    )

    import resource

    with connection.cursor() as cur:
        cur.execute("SELECT pg_backend_pid()")
        backend = cur.fetchone()[0]
    tick = os.sysconf("SC_CLK_TCK")

    def cpu() -> tuple[float, float]:
        """(this process, the PostgreSQL backend) CPU seconds so far."""
        own = resource.getrusage(resource.RUSAGE_SELF)
        try:
            fields = Path(f"/proc/{backend}/stat").read_text().rsplit(")", 1)[1].split()
            server = (int(fields[11]) + int(fields[12])) / tick
        except OSError:  # another machine: the server's CPU is not visible
            server = float("nan")
        return own.ru_utime + own.ru_stime, server

    print(f"Baseline: engine.assess in memory, best of {opts.repeat}…", flush=True)
    for sid in review_round.standards:  # warm-up (plan compilation, caches)
        assess(
            hh.head(100),
            mm.join(hh.head(100).select("household_id"), on="household_id", how="semi"),
            sid,
            review_round.assessed_on,
        )
    best = float("inf")
    best_cpu = float("inf")
    for _ in range(opts.repeat):
        t, c = time.perf_counter(), cpu()[0]
        results = [assess(hh, mm, sid, review_round.assessed_on) for sid in review_round.standards]
        best = min(best, time.perf_counter() - t)
        best_cpu = min(best_cpu, cpu()[0] - c)
    classes = pl.concat(r.select("class") for r in results)["class"].value_counts().sort("class")
    print(
        f"  {best:.2f} s (CPU {best_cpu:.2f} s) for {len(review_round.standards)} standards; "
        f"classes {dict(classes.iter_rows())}",
        flush=True,
    )

    def progress(done: int, total: int, message: str) -> None:
        print(f"  [{done}/{total}] {message} ({time.perf_counter() - started:.1f} s)", flush=True)

    figures = []
    for label in ("first run (empty round)", "re-run (replaces the results)"):
        print(f"Measured: do_assess_round, {label}…", flush=True)
        started, (client0, server0) = time.perf_counter(), cpu()
        summary = actions.do_assess_round(
            actor=actor, review_round=Round.objects.get(pk=review_round.pk), progress=progress
        )
        elapsed = time.perf_counter() - started
        client, server = (after - before for after, before in zip(cpu(), (client0, server0), strict=True))
        stored = Assessment.objects.filter(round=review_round).count()
        parts = ", ".join(f"{k} {v:.2f} s" for k, v in summary.seconds.items())
        print(
            f"  {elapsed:.2f} s ({parts}); {stored:,} assessments stored; CPU: this process {client:.2f} s, "
            f"PostgreSQL {server:.2f} s",
            flush=True,
        )
        figures.append((label, elapsed))

    floor_read, floor_store, floor_keyed = database_floor(review_round, opts.repeat)
    floor = floor_read + floor_store

    print()
    print(
        f"households: {opts.households:,}  standards: {len(review_round.standards)}  cores: {os.cpu_count()}  "
        f"load average: {os.getloadavg()[0]:.1f}"
    )
    print(f"engine in memory: {best:.2f} s")
    for label, elapsed in figures:
        ratio = elapsed / best
        verdict = "met" if ratio <= GOAL else "NOT met"
        print(f"database round trip, {label}: {elapsed:.2f} s = {ratio:.1f}x the engine (goal <= {GOAL:g}x: {verdict})")
    print(
        f"database floor (PostgreSQL alone: send the registry rows {floor_read:.2f} s + take the results into an "
        f"unindexed table {floor_store:.2f} s): {floor:.2f} s = {floor / best:.1f}x the engine"
        + (f" — above the goal of {GOAL:g}x by itself" if floor / best > GOAL else "")
    )
    print(
        f"  with the one index stored results need (their key: round household, standard): take {floor_keyed:.2f} s, "
        f"floor {floor_read + floor_keyed:.2f} s = {(floor_read + floor_keyed) / best:.1f}x the engine"
    )


def database_floor(review_round: Any, repeat: int) -> tuple[float, float, float]:
    """(send, take, take keyed) seconds, each the best of ``repeat``: the server sending the round's registry
    rows (the queries ``ward_frames`` runs, COPY TO STDOUT, bytes dropped) and taking its stored results back
    (COPY FROM STDIN into a temporary table with no index; then with a primary key on round household and
    standard, the least a table of results can be searched by)."""
    from django.db import connection, transaction

    from ansinh.dbframes import copy_out
    from ansinh.registry.queries import registry_queries
    from ansinh.review.models import Assessment

    queries = registry_queries([review_round.ward_id], engine_only=True)
    key = (
        "round_household_id, household_id, standard_id, class, deprivation_count, income_per_person, "
        "income_line, members, previous_class, changed"
    )
    table = Assessment._meta.db_table
    send = take = keyed = float("inf")
    with transaction.atomic(), connection.cursor() as cur:
        rows = copy_out(cur, f"COPY (SELECT {key} FROM {table} WHERE round_id = {int(review_round.pk)}) TO STDOUT")
        cur.execute(f"CREATE TEMPORARY TABLE floor_results ON COMMIT DROP AS SELECT {key} FROM {table} LIMIT 0")
        raw = cur.cursor
        for _ in range(repeat):
            t = time.perf_counter()
            for sql, params, _schema in queries:
                copy_out(cur, f"COPY ({cur.mogrify(sql, params)}) TO STDOUT")
            send = min(send, time.perf_counter() - t)
            cur.execute("TRUNCATE floor_results")
            t = time.perf_counter()
            with raw.copy(f"COPY floor_results ({key}) FROM STDIN") as copy:
                copy.write(rows)
            take = min(take, time.perf_counter() - t)
        cur.execute("ALTER TABLE floor_results ADD PRIMARY KEY (round_household_id, standard_id)")
        for _ in range(repeat):
            cur.execute("TRUNCATE floor_results")
            t = time.perf_counter()
            with raw.copy(f"COPY floor_results ({key}) FROM STDIN") as copy:
                copy.write(rows)
            keyed = min(keyed, time.perf_counter() - t)
    return send, take, keyed


if __name__ == "__main__":
    main()
