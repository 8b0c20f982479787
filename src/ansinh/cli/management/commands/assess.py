"""``ansinh assess``: classify households under a poverty standard, from files or from the registry.

    ansinh assess --standard vn_2022 --date 2025-12-31 --households hh.parquet --members mm.parquet --out DIR
    ansinh assess --standard vn_2022,hcm_2024 --date 2025-12-31 --registry [--ward 26734] --out DIR

Writes ``DIR/assessment.parquet`` (one row per household and standard), ``DIR/summary.json`` and
``DIR/summary.xlsx`` (households and members per class and ward). Input format: docs/assess-input.md.
Bad input ends with a message naming the rows and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import polars as pl
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError

from ansinh import vocab
from ansinh.engine import CLASSES, FrameError, read_frame, summarise_by_ward, validate_frames
from ansinh.engine.assess import run_polars
from ansinh.engine.parquet import is_parquet
from ansinh.engine.plan import build_plan, resolve
from ansinh.engine.stream import run_files
from ansinh.lib.sheets import save_workbook
from ansinh.standards import Standard, StandardError


def add_input_arguments(parser: CommandParser) -> None:
    parser.add_argument("--standard", required=True, help="standard id(s), comma-separated (ansinh standards list)")
    parser.add_argument("--date", required=True, help="assessment date, YYYY-MM-DD")
    parser.add_argument("--households", help="households file (.parquet or .csv)")
    parser.add_argument("--members", help="members file (.parquet or .csv)")
    parser.add_argument("--registry", action="store_true", help="read households and members from the database")
    parser.add_argument("--ward", action="append", default=None, help="with --registry: only this ward (repeatable)")


def parse_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--date: {text!r} is not a date (YYYY-MM-DD)") from None


def parse_sets(items: list[str] | None) -> dict[str, str]:
    overrides: dict[str, str] = {}
    for item in items or []:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise CommandError(f"--set {item!r}: use NAME=VALUE, e.g. income_line.urban=2500000")
        overrides[name.strip()] = value.strip()
    return overrides


def load_standards(ids: str, date: dt.date, overrides: dict[str, str] | None = None) -> list[Standard]:
    try:
        standards = [resolve(s.strip(), overrides) for s in ids.split(",") if s.strip()]
        for standard in standards:
            build_plan(standard, date)  # fails early on a standard not in force or a bad override
    except StandardError as exc:
        raise CommandError(str(exc)) from None
    if not standards:
        raise CommandError("--standard: give at least one standard id")
    return standards


def load_frames(options: dict[str, Any], date: dt.date) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Read and validate the input frames (files or registry); errors become a CommandError."""
    try:
        if options["registry"]:
            if options["households"] or options["members"]:
                raise CommandError("use either --registry or --households/--members, not both")
            try:
                from ansinh.registry.queries import registry_frames
            except ImportError as exc:
                raise CommandError(f"--registry needs ansinh.registry.queries.registry_frames ({exc})") from None
            households: pl.DataFrame | pl.LazyFrame
            members: pl.DataFrame | pl.LazyFrame
            try:
                households, members = registry_frames(ward_codes=options["ward"])
            except DatabaseError as exc:
                raise CommandError(f"--registry: cannot read the database ({exc}); run ansinh migrate?") from None
        else:
            if not options["households"] or not options["members"]:
                raise CommandError("give --households FILE and --members FILE (or --registry)")
            households, members = read_frame(options["households"]), read_frame(options["members"])
        return validate_frames(households, members, date, optional=False)
    except FrameError as exc:
        raise CommandError(str(exc)) from None


def write_xlsx(path: Path, sheets: dict[str, pl.DataFrame]) -> None:
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for name, frame in sheets.items():
        sheet = book.create_sheet(title=name[:31])
        sheet.append(frame.columns)
        for row in frame.iter_rows():
            sheet.append(list(row))
    save_workbook(book, path)


class Command(BaseCommand):
    help = "Classify households under a poverty standard (files or registry); results and ward summary to --out."

    def add_arguments(self, parser: CommandParser) -> None:
        add_input_arguments(parser)
        parser.add_argument("--out", required=True, help="output directory (created if missing)")
        parser.add_argument("--set", action="append", dest="sets", help="NAME=VALUE parameter override")

    def handle(self, *args: Any, **options: Any) -> None:
        date = parse_date(options["date"])
        standards = load_standards(options["standard"], date, parse_sets(options["sets"]))
        # Two Parquet files stream through the engine's file route (members never all in memory); anything
        # it cannot vouch for is read, checked and reported the general way.
        streamed: list[pl.DataFrame] = []
        if not options["registry"] and is_parquet(options["households"]) and is_parquet(options["members"]):
            for standard in standards:
                one = run_files(build_plan(standard, date), options["households"], options["members"])
                if one is None:
                    streamed.clear()
                    break
                streamed.append(one)
        households, members = (None, None) if streamed else load_frames(options, date)
        out = Path(options["out"])
        try:
            out.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise CommandError(f"--out {out}: {exc}") from None
        results, summaries, sheets = [], [], {}
        for i, standard in enumerate(standards):
            if streamed:
                result = streamed[i]
            else:
                assert households is not None and members is not None
                result = run_polars(build_plan(standard, date), households, members)
            by_ward = summarise_by_ward(result)
            total = (
                by_ward.drop("ward_code")
                .sum()
                .with_columns(
                    (pl.col(vocab.POOR) / pl.col("households")).alias(f"{vocab.POOR}_rate"),
                    (pl.col(vocab.NEAR_POOR) / pl.col("households")).alias(f"{vocab.NEAR_POOR}_rate"),
                )
            )
            results.append(result)
            sheets[standard.id] = pl.concat(
                [by_ward, total.with_columns(pl.lit("TOTAL").alias("ward_code")).select(by_ward.columns)]
            )
            summaries.append(
                {
                    "standard_id": standard.id,
                    "parameter_version": standard.version,
                    "overrides": {k: list(v) if isinstance(v, tuple) else v for k, v in standard.overrides.items()},
                    "date": date.isoformat(),
                    "total": total.row(0, named=True),
                    "by_ward": by_ward.to_dicts(),
                }
            )
            counts = ", ".join(f"{c} {total[c][0]}" for c in CLASSES)
            self.stdout.write(f"{standard.id} ({standard.version}): {result.height} households: {counts}")
        pl.concat(results, how="diagonal_relaxed").write_parquet(out / "assessment.parquet")
        (out / "summary.json").write_text(
            json.dumps({"standards": summaries}, ensure_ascii=False, indent=2), encoding="utf-8"
        )
        write_xlsx(out / "summary.xlsx", sheets)
        self.stdout.write(f"wrote {out / 'assessment.parquet'}, {out / 'summary.json'}, {out / 'summary.xlsx'}")
