"""``ansinh explain``: one household's assessment in words (Vietnamese by default, ``--lang en``).

    ansinh explain --standard vn_2022 --date 2025-12-31 --households hh.parquet --members mm.parquet \\
        --household-id 42 [--lang en] [--set deprivation_cutoff=4]
"""

from __future__ import annotations

from typing import Any

import polars as pl
from django.core.management.base import BaseCommand, CommandError, CommandParser

from ansinh.cli.management.commands.assess import parse_date, parse_sets
from ansinh.engine import FrameError, read_frame
from ansinh.engine.explain import explain
from ansinh.standards import StandardError


class Command(BaseCommand):
    help = "Explain one household's poverty assessment: income against the line and each lacking indicator."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--standard", required=True)
        parser.add_argument("--date", required=True, help="YYYY-MM-DD")
        parser.add_argument("--households", help="households file (.parquet or .csv)")
        parser.add_argument("--members", help="members file (.parquet or .csv)")
        parser.add_argument("--registry", action="store_true", help="read the household from the database")
        parser.add_argument("--household-id", required=True, type=int)
        parser.add_argument("--lang", choices=["vi", "en"], default="vi")
        parser.add_argument("--set", action="append", dest="sets", help="NAME=VALUE parameter override")

    def handle(self, *args: Any, **options: Any) -> None:
        date = parse_date(options["date"])
        households: pl.DataFrame | pl.LazyFrame
        members: pl.DataFrame | pl.LazyFrame
        try:
            if options["registry"]:
                from ansinh.registry.queries import registry_frames

                households, members = registry_frames()
            elif options["households"] and options["members"]:
                households, members = read_frame(options["households"]), read_frame(options["members"])
            else:
                raise CommandError("give --households FILE and --members FILE (or --registry)")
            text = explain(
                households,
                members,
                options["standard"],
                date,
                options["household_id"],
                lang=options["lang"],
                overrides=parse_sets(options["sets"]),
            )
        except (FrameError, StandardError) as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(text)
