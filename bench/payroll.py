"""Benchmark (not a test): computing and freezing one month's payroll of N active enrolments on PostgreSQL,
from reading the registry to every stored line, against a per-beneficiary baseline in the same process.

    .venv/bin/python bench/payroll.py                                       # 300,000 enrolments
    .venv/bin/python bench/payroll.py --households 20000 --enrolments 40000 # quicker

Needs the PostgreSQL server at 127.0.0.1:5432 (``--server`` otherwise). It creates a throw-away database
``ansinh_bench_payroll_<pid>``, migrates it, loads the units of province 79, seeds the households into one
ward with ``ansinh seed`` (a subprocess), enrols N members in the monthly social assistance (bulk insert,
not timed) and drops the database at the end (``--keep`` to keep it).

* **Baseline** (the way openIMIS computes): for each enrolment of a ``--baseline`` sample, the ORM reads the
  enrolment, its member and the member's death, looks the base level and the coefficient up for the month
  and saves one line: one beneficiary at a time. Lines per second.
* **Measured**: ``do_create_payroll`` + ``do_compute_payroll`` + ``do_freeze_payroll`` on the whole ward
  (one query out, the engine over one frame, one bulk insert of the lines, the re-read and hash at freeze).
  Lines per second, and this process's peak resident memory.
* **Goal** (issue 15): at least 50x the baseline's lines per second, under 1 GB.

Then the payroll's payment results (one row per payable line, a few failed) are imported:

* **Baseline**: django-import-export's default row-by-row ``ModelResource.import_data`` of a ``--baseline``
  sample of the rows into ``PaymentResult`` (rolled back). Rows per second.
* **Measured**: ``do_import_results`` of every row (read, validated against the lines, inserted in bulk,
  the payroll reconciled), then the same file again (nothing changes).
* **Goal** (issue 15): at least 20x the baseline's rows per second.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from throwaway import in_throwaway_database

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))
GOAL = 50.0
RESULTS_GOAL = 20.0
# Last month: the synthetic city's members are born up to today, so every enrolment's person exists in it.
MONTH = (dt.date.today().replace(day=1) - dt.timedelta(days=1)).replace(day=1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--households", type=int, default=120_000)
    parser.add_argument("--enrolments", type=int, default=300_000)
    parser.add_argument("--baseline", type=int, default=2_000, help="enrolments computed one at a time")
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--keep", action="store_true", help="keep the throw-away database")
    opts = parser.parse_args()

    in_throwaway_database(opts.server, "ansinh_bench_payroll", lambda: run(opts), keep=opts.keep)


def _step(text: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {text}", flush=True)


def run(opts: argparse.Namespace) -> None:
    import django

    django.setup()
    import polars as pl
    from django.core.management import call_command
    from django.db import connection, transaction

    from ansinh.dbframes import insert_model_frame
    from ansinh.geo.models import Ward
    from ansinh.payments.actions import do_compute_payroll, do_create_payroll, do_freeze_payroll
    from ansinh.payments.models import PayrollLine
    from ansinh.programs.models import Decision, Enrolment
    from ansinh.programs.rules import legal_rules
    from ansinh.registry.models import Member, Membership

    _step("migrating and loading units")
    call_command("migrate", verbosity=0)
    call_command("load_units", verbosity=0)
    _step(f"seeding {opts.households:,} households into one ward (subprocess)")
    env = {**os.environ, "PYTHONPATH": str(HERE.parent / "src")}
    subprocess.run(
        [str(Path(sys.executable).with_name("ansinh")), "seed", "--households", str(opts.households), "--wards", "1",
         "--province", "79"],
        check=True, env=env, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    members = pl.DataFrame(
        {"member_id": list(Member.objects.order_by("pk").values_list("pk", flat=True)[: opts.enrolments])},
        schema={"member_id": pl.Int64},
    )
    ward = Ward.objects.get(code=Member.objects.values_list("household__ward_id", flat=True).first())
    _step(f"enrolling {members.height:,} members (bulk, not timed)")
    with transaction.atomic():
        insert_model_frame(
            Enrolment,
            members.with_columns(
                pl.lit("social_assistance").alias("programme"),
                pl.lit("disability_severe").alias("category"),
                pl.lit(dt.date(2024, 1, 1)).alias("start_month"),
                pl.lit(None, dtype=pl.Date).alias("end_month"),
                pl.lit(dt.datetime.now(dt.UTC)).alias("created_at"),
            ),
        )
    with connection.cursor() as cursor:  # fresh statistics after the bulk loads, for both runs alike
        cursor.execute("ANALYZE")
    sample = list(Enrolment.objects.order_by("pk").values_list("pk", flat=True)[: opts.baseline])

    _step(f"baseline: {len(sample):,} enrolments one at a time through the ORM")
    rules = legal_rules()
    started = time.perf_counter()
    with transaction.atomic():
        baseline_payroll = do_create_payroll(actor=None, programme="social_assistance", month=MONTH, ward=ward)
        for pk in sample:
            enrolment = Enrolment.objects.get(pk=pk)
            member = Member.objects.get(pk=enrolment.member_id)
            death = Membership.objects.filter(member=member, end_reason="death").values_list("end", flat=True).first()
            base = rules.lookup("social_assistance.base_level", MONTH)
            coefficient = rules.lookup("social_assistance.coefficient.disability_severe", MONTH)
            paid = death is None
            PayrollLine.objects.create(
                payroll=baseline_payroll, enrolment=enrolment, member=member, programme="social_assistance",
                month=MONTH, ward_code=ward.code, category=enrolment.category, age=member.age_on(MONTH), rows="x",
                base=base.value, coefficient=coefficient.value, entitled=round(base.value * coefficient.value),
                amount=round(base.value * coefficient.value) if paid else 0, status="paid" if paid else "died",
                references=f"{base.reference}; {coefficient.reference}", explanation_vi="", explanation_en="",
            )  # fmt: skip
        transaction.set_rollback(True)
    baseline_seconds = time.perf_counter() - started
    baseline_rate = len(sample) / baseline_seconds

    _step(f"measured: compute and freeze the ward's payroll of {members.height:,} enrolments")
    started = time.perf_counter()
    payroll = do_create_payroll(actor=None, programme="social_assistance", month=MONTH, ward=ward)
    payroll = do_compute_payroll(actor=None, payroll=payroll)
    computed = time.perf_counter() - started
    _step(f"computed {payroll.line_count:,} lines in {computed:.1f} s; freezing")
    payroll = do_freeze_payroll(actor=None, payroll=payroll)
    seconds = time.perf_counter() - started
    rate = payroll.line_count / seconds
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    ratio = rate / baseline_rate
    print()
    print(f"enrolments {members.height:,}; lines stored {payroll.line_count:,}; total {payroll.total_amount:,} VND")
    print(f"baseline   {baseline_rate:,.0f} lines/s ({len(sample):,} in {baseline_seconds:.1f} s)")
    print(
        f"measured   {rate:,.0f} lines/s ({seconds:.1f} s: compute {computed:.1f} s, freeze {seconds - computed:.1f} s)"
    )
    print(f"ratio      {ratio:.0f}x (goal {GOAL:.0f}x): {'met' if ratio >= GOAL else 'NOT met'}")
    print(f"peak memory of this process {peak_mb:,.0f} MB (goal < 1,024 MB); load average {os.getloadavg()[0]:.1f}")
    assert Decision.objects.count() == 0  # enrolments were bulk-loaded without decisions: a benchmark shortcut
    results(opts, payroll)


def results(opts: argparse.Namespace, payroll: Any) -> None:
    import io

    import polars as pl
    import tablib
    from django.db import transaction
    from import_export import resources

    from ansinh.payments import errors
    from ansinh.payments.actions import (
        do_approve_payroll,
        do_export_payroll,
        do_import_results,
        do_submit_payroll,
    )
    from ansinh.payments.models import PaymentResult, ResultImport
    from ansinh.payments.queries import payable_lines

    _step("approving and exporting the payroll; writing its results file (not timed)")
    payroll = do_approve_payroll(actor=None, payroll=do_submit_payroll(actor=None, payroll=payroll))
    do_export_payroll(actor=None, payroll=payroll, layout="bank")
    lines = payable_lines(payroll.pk)
    failed = (pl.col("line_id") % 97) == 0
    frame = lines.select(
        pl.col("line_id").alias("Mã dòng chi trả"),
        pl.when(failed).then(pl.lit("Không chi được")).otherwise(pl.lit("Đã chi")).alias("Kết quả"),
        pl.when(failed).then(0).otherwise(pl.col("amount")).alias("Số tiền đã chi"),
        pl.lit("10/" + MONTH.strftime("%m/%Y")).alias("Ngày chi"),
    )
    buffer = io.BytesIO()
    frame.write_csv(buffer)
    content = buffer.getvalue()

    class ResultResource(resources.ModelResource):
        class Meta:
            model = PaymentResult
            fields = ("line", "payroll", "outcome", "delivered", "paid_on", "reference", "reason", "imported")
            import_id_fields = ("line",)

    sample = lines.head(opts.baseline)
    _step(f"baseline: django-import-export, {sample.height:,} result rows one at a time (rolled back)")
    started = time.perf_counter()
    with transaction.atomic():
        staged = ResultImport.objects.create(payroll=payroll, file_name="baseline.csv", file_sha256="-", rows=0)
        dataset = tablib.Dataset(headers=["line", "payroll", "outcome", "delivered", "paid_on", "reference", "reason",
                                          "imported"])  # fmt: skip
        for line_id, amount in sample.select("line_id", "amount").iter_rows():
            dataset.append([line_id, payroll.pk, "paid", amount, MONTH.replace(day=10).isoformat(), "", "",
                            staged.pk])  # fmt: skip
        outcome = ResultResource().import_data(dataset, dry_run=False, raise_errors=True)
        assert not outcome.has_errors()
        transaction.set_rollback(True)
    baseline_rate = sample.height / (time.perf_counter() - started)

    _step(f"measured: importing {frame.height:,} payment results")
    started = time.perf_counter()
    staged = do_import_results(actor=None, payroll=payroll, name="ket-qua.csv", content=content)
    seconds = time.perf_counter() - started
    rate = frame.height / seconds
    payroll.refresh_from_db()
    try:  # the same file again: a reconciled payroll takes no more results, and nothing changes
        do_import_results(actor=None, payroll=payroll, name="ket-qua.csv", content=content)
        again = "accepted (!)"
    except errors.NotExported:
        again = "refused"
    assert PaymentResult.objects.filter(payroll=payroll).count() == staged.changed
    ratio = rate / baseline_rate
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print()
    print(f"results    {staged.changed:,} recorded ({staged.status}); payroll {payroll.status}")
    print(f"baseline   {baseline_rate:,.0f} rows/s (django-import-export, {sample.height:,} rows)")
    print(f"measured   {rate:,.0f} rows/s ({frame.height:,} in {seconds:.1f} s)")
    print(f"again      the same file: {again}; results unchanged")
    print(f"ratio      {ratio:.0f}x (goal {RESULTS_GOAL:.0f}x): {'met' if ratio >= RESULTS_GOAL else 'NOT met'}")
    print(f"peak memory of this process {peak_mb:,.0f} MB")


if __name__ == "__main__":
    main()
