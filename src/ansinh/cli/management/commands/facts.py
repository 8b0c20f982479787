"""``ansinh facts``: the reports' fact tables.

ansinh facts rebuild [--source poverty] ...   every ward of each source (all sources by default), from scratch
ansinh facts refresh --source poverty --ward 26734 [--ward ...]   some wards of one source
ansinh facts status                             per source: slices, rows, oldest and newest "as of"
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ansinh.reports import facts
from ansinh.reports.sources import load


class Command(BaseCommand):
    help = "Rebuild, refresh or show the reports' fact tables."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("what", choices=["rebuild", "refresh", "status"])
        parser.add_argument(
            "--source", action="append", dest="sources", help="a source (poverty, payroll, dossier, cases)"
        )
        parser.add_argument("--ward", action="append", dest="wards", help="a ward code (refresh)")

    def handle(self, *args: Any, **opts: Any) -> None:
        known = load()
        for name in opts["sources"] or []:
            if name not in known:
                raise CommandError(f"unknown source {name!r} (known: {', '.join(sorted(known))})")
        if opts["what"] == "status":
            for row in facts.status():
                self.stdout.write(
                    f"{row['source']:10} slices {row['slices']:>5}  rows {row['rows']:>9}  "
                    f"as of {row['oldest'] or '-'} … {row['newest'] or '-'}"
                )
            return
        if opts["what"] == "refresh":
            if not opts["sources"] or not opts["wards"]:
                raise CommandError("refresh needs --source and at least one --ward")
            done = [facts.refresh(s, opts["wards"], reason="command") for s in opts["sources"]]
        else:
            done = facts.rebuild(opts["sources"], reason="command")
        for d in done:
            self.stdout.write(f"{d.source:10} wards {d.wards:>5}  facts {d.rows:>9}  {d.seconds:.2f} s")
