"""``ansinh demo``: prepare the demo city (idempotent) and serve it."""

from __future__ import annotations

import datetime
import os
import signal
import subprocess
import sys
import time
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from ansinh.accounts.demo import DEMO_PASSWORD, demo_ward, ensure_demo_accounts
from ansinh.accounts.models import User
from ansinh.cases.demo import demo_ward_pair, ensure_demo_cases
from ansinh.dossiers.models import Dossier, Feedback
from ansinh.dossiers.synth import build_feedback, build_ratings, build_year
from ansinh.geo.models import Province, Ward
from ansinh.payments.demo import ensure_demo_enrolments, ensure_demo_payrolls
from ansinh.registry.models import Household
from ansinh.review.demo import ensure_demo_round
from ansinh.tasks.embedded import spawn_worker


class Command(BaseCommand):
    help = "Create the SQLite database, load units, seed a synthetic city, create demo accounts, and serve."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", default="8000")
        parser.add_argument("--households", type=int, default=40_000)
        parser.add_argument("--wards", type=int, default=20)
        parser.add_argument("--province", default="79")
        parser.add_argument("--seed", type=int, default=2025)
        parser.add_argument("--no-serve", action="store_true", help="prepare everything but do not serve")
        parser.add_argument("--runserver", action="store_true", help="serve with Django's development server")

    def handle(self, *args: Any, **opts: Any) -> None:
        if not settings.DEMO_MODE:
            raise CommandError("`ansinh demo` needs ANSINH_ENV=demo: it creates accounts with known passwords.")
        settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
        started = time.monotonic()
        call_command("migrate", verbosity=0, interactive=False)
        if not Ward.objects.filter(province_id=opts["province"]).exists():
            self.stdout.write("Loading administrative units…")
            call_command("load_units", verbosity=0)
        if not Household.objects.exists():
            self.stdout.write(f"Seeding a synthetic city of {opts['households']:,} households…")
            call_command(
                "seed",
                households=opts["households"],
                province=opts["province"],
                wards=opts["wards"],
                seed=opts["seed"],
                stdout=self.stdout,
            )
        call_command("collectstatic", verbosity=0, interactive=False)
        accounts = ensure_demo_accounts(opts["province"])
        today = timezone.localdate()
        enrolled = ensure_demo_enrolments(opts["province"], today)
        if enrolled:
            self.stdout.write(f"Enrolled {enrolled:,} people in the programmes they qualify for.")
        last_month = (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
        ensure_demo_payrolls(demo_ward(Province.objects.get(code=opts["province"])), last_month)
        case_ward = demo_ward(Province.objects.get(code=opts["province"]))
        accounts += ensure_demo_cases(case_ward, demo_ward_pair(case_ward))
        # Last year's review approved, so the review pages, the flows and the household pages' status have
        # something on a first visit.
        reviewed = ensure_demo_round(
            demo_ward(Province.objects.get(code=opts["province"])),
            User.objects.get(username="demo-officer"),
            User.objects.get(username="demo-chairman"),
            today.year - 1,
        )
        if reviewed is not None:
            self.stdout.write(f"Approved the {today.year - 1} review of {reviewed.ward.name}.")
        if not Dossier.objects.exists():
            # Last year's dossiers in the department's 2023 proportions (32,454 of 33,104 early or on time), so
            # the officers' lists and the period report have something on a first visit.
            wards = sorted(set(Household.objects.values_list("ward_id", flat=True)))
            made = build_year(wards, year=today.year - 1, total=2_000, early_or_on_time=1_961, returned=True)
            rated = build_ratings(today.year - 1)
            self.stdout.write(f"Recorded {made:,} dossiers of {today.year - 1}, {rated:,} of them rated.")
        if not Feedback.objects.exists():
            wards = sorted(set(Household.objects.values_list("ward_id", flat=True)))
            sent = build_feedback(wards, year=today.year - 1)
            self.stdout.write(f"Recorded {sent:,} feedback items of {today.year - 1}.")
        self._reports()
        self.stdout.write(self.style.SUCCESS(f"Demo ready in {time.monotonic() - started:.1f} s."))
        self.stdout.write(f"Demo accounts (password: {DEMO_PASSWORD}):")
        for a in accounts:
            self.stdout.write(f"  {a.username:<17} {a.role:<22} {a.scope}")
        if opts["no_serve"]:
            return
        # Long jobs (imports, round assessments) run in a worker process next to the server: no extra service.
        spawn_worker()
        self.stdout.write(f"Serving http://127.0.0.1:{opts['port']}/  (Ctrl+C to stop)")
        if sys.platform.startswith("linux") and not opts["runserver"]:
            # Served for real: gunicorn's worker processes (``ansinh serve``), in a child process of its own so
            # that its master reaps only its own workers, not the supervised task worker.
            env = {**os.environ, "WHITENOISE_AUTOREFRESH": "0"}  # collected above; no rescan per request
            command = [sys.executable, "-m", "ansinh.cli", "serve", "--bind", "127.0.0.1", "--port", str(opts["port"])]
            server = subprocess.Popen(command, env=env)
            # Stopped (Ctrl+C, or SIGTERM from a service manager): the server quickly (SIGINT: gunicorn's quick
            # shutdown), then the task worker (atexit).
            signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
            try:
                server.wait()
            except KeyboardInterrupt:
                pass
            finally:
                if server.poll() is None:
                    server.send_signal(signal.SIGINT)
                    server.wait(timeout=30)
            return
        call_command("runserver", f"127.0.0.1:{opts['port']}", use_reloader=False)

    def _reports(self) -> None:
        """The reports' facts, once, after last year's review was approved above (later, events refresh them)."""
        from ansinh.reports.demo import ensure_demo_facts

        built = ensure_demo_facts()
        if built:
            self.stdout.write(f"Built the reports' facts ({built} slices).")
