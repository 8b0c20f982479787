"""``ansinh simulate``: what if a line, a threshold or the cut-off changed? Households entering and leaving
each class, by ward, against the stored parameters (the files are not touched).

    ansinh simulate --standard vn_2022 --date 2025-12-31 --households hh.parquet --members mm.parquet \\
        --set income_line.urban=2500000 --set deprivation_cutoff=4 [--out DIR] [--json]
    ansinh simulate --standard vn_2022 --date 2025-12-31 --registry --set floor_area.per_person_below=10
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import polars as pl
from django.core.management.base import BaseCommand, CommandError, CommandParser

from ansinh.cli.management.commands.assess import (
    add_input_arguments,
    load_frames,
    load_standards,
    parse_date,
    parse_sets,
    write_xlsx,
)
from ansinh.engine import CLASSES
from ansinh.engine.simulate import simulate


class Command(BaseCommand):
    help = "Re-assess with changed parameters and report, by ward, the households entering and leaving each class."

    def add_arguments(self, parser: CommandParser) -> None:
        add_input_arguments(parser)
        parser.add_argument("--set", action="append", dest="sets", required=True, help="NAME=VALUE override")
        parser.add_argument("--out", help="directory for simulation.json and simulation.xlsx")
        parser.add_argument("--json", action="store_true", help="print the result as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        date = parse_date(options["date"])
        overrides = parse_sets(options["sets"])
        standards = load_standards(options["standard"], date)
        load_standards(options["standard"], date, overrides)  # a bad override fails before reading data
        households, members = load_frames(options, date)
        report: dict[str, Any] = {"date": date.isoformat(), "overrides": overrides, "standards": []}
        sheets: dict[str, pl.DataFrame] = {}
        for standard in standards:
            by_ward = simulate(households, members, standard, date, overrides)
            totals = by_ward.group_by("class").agg(pl.col("before", "after", "entering", "leaving").sum())
            totals = totals.sort(pl.col("class").cast(pl.Enum(list(CLASSES))))
            sheets[standard.id] = by_ward
            report["standards"].append(
                {
                    "standard_id": standard.id,
                    "parameter_version": by_ward["parameter_version"][0] if by_ward.height else standard.version,
                    "simulated_version": by_ward["simulated_version"][0] if by_ward.height else None,
                    "total": totals.to_dicts(),
                    "by_ward": by_ward.drop("standard_id", "parameter_version", "simulated_version").to_dicts(),
                }
            )
            if not options["json"]:
                self.stdout.write(f"{standard.id}: {', '.join(f'{k}={v}' for k, v in overrides.items())}")
                for row in totals.iter_rows(named=True):
                    self.stdout.write(
                        f"  {row['class']:15} before {row['before']:>9}  after {row['after']:>9}  "
                        f"entering {row['entering']:>8}  leaving {row['leaving']:>8}"
                    )
        if options["json"]:
            self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2))
        if options["out"]:
            out = Path(options["out"])
            try:
                out.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise CommandError(f"--out {out}: {exc}") from None
            (out / "simulation.json").write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
            write_xlsx(out / "simulation.xlsx", sheets)
