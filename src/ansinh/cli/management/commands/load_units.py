"""``ansinh load-units``: load the administrative units from the pinned data file (idempotent)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ansinh.geo.loading import load_units


class Command(BaseCommand):
    help = (
        "Load the provinces and wards in force since 2025-07-01, the former provinces, districts and wards, "
        "and the succession table from the data file pinned in the repository. Running it again changes "
        "nothing; an administrator's urban/rural override is never overwritten."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--province",
            help="load only this current province (NSO code, e.g. 79) and the former units that became it",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        try:
            report = load_units(province=options["province"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        for line in report.lines():
            self.stdout.write(line)
        elapsed = time.monotonic() - started
        if report.changed:
            self.stdout.write(self.style.SUCCESS(f"Administrative units loaded in {elapsed:.1f} s."))
        else:
            self.stdout.write(f"Administrative units already up to date: nothing changed ({elapsed:.1f} s).")
