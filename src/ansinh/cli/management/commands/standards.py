"""``ansinh standards list`` and ``ansinh standards check``: the poverty standards shipped as data.

``list`` shows each standard, its jurisdiction, validity, indicators and parameter version;
``check`` loads every standard, builds its formulas on its first and last day, and lists every value still
marked unverified (``verified: false``), with its legal reference. It exits non-zero on a broken standard.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ansinh.engine.plan import build_plan
from ansinh.standards import NATIONAL, StandardError, all_standards


class Command(BaseCommand):
    help = "List the poverty standards, or check them and list every unverified value."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["list", "check"])
        parser.add_argument("--lang", choices=["vi", "en"], default="en")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            standards = all_standards()
        except (StandardError, OSError, KeyError) as exc:
            raise CommandError(f"cannot load the standards: {exc}") from None
        lang = options["lang"]
        failures = 0
        for s in standards:
            where = "national" if s.jurisdiction == NATIONAL else f"province {s.jurisdiction}"
            until = s.valid_to.isoformat() if s.valid_to else "open-ended"
            self.stdout.write(
                f"{s.id:10} {where:12} {s.valid_from.isoformat()} .. {until:10}  "
                f"{len(s.indicators):2} indicators, {len(s.dimension_labels)} dimensions, version {s.version}"
            )
            self.stdout.write(f"           {s.title[lang]}")
            if options["action"] == "list":
                continue
            last = s.valid_to or dt.date(s.valid_from.year + 5, 12, 31)
            for day in (s.valid_from, last):
                try:
                    build_plan(s, day)
                except StandardError as exc:
                    failures += 1
                    self.stderr.write(f"  BROKEN on {day.isoformat()}: {exc}")
            unverified = s.unverified()
            self.stdout.write(f"  {len(unverified)} of {len(s.parameters)} values unverified:")
            for p in unverified:
                values = "; ".join(f"{d.isoformat()}: {v}" for d, v in p.values)
                checked = f", last checked {p.last_value_still_valid_on}" if p.last_value_still_valid_on else ""
                self.stdout.write(f"    - {p.path} = {values} [{p.unit}] ({p.reference}{checked})")
        if failures:
            raise CommandError(f"{failures} standard check(s) failed")
