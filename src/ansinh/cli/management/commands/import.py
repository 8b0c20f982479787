"""``ansinh import FILE [--members FILE] [--commit] [--user USERNAME]``: validate (and commit) a file.

Exits 1 when a row has errors, after writing the file back with the errors marked next to FILE
(``<name>.errors.xlsx``). With ``--commit`` the valid rows are written only if no row has errors, or
when ``--partial`` accepts the valid part explicitly.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from ansinh.imports import actions, problems
from ansinh.imports.errors import ImportError_
from ansinh.imports.workbooks import error_report


class Command(BaseCommand):
    requires_system_checks: list[str] = []  # a data command: no need to load every URL and model check
    help = "Validate an import file (XLSX, or CSV of households with --members CSV) and optionally commit it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--members", type=Path, help="the members CSV, when FILE is the households CSV")
        parser.add_argument("--commit", action="store_true", help="write the valid rows to the registry")
        parser.add_argument(
            "--partial", action="store_true", help="with --commit: write the valid rows even if other rows have errors"
        )
        parser.add_argument("--user", help="act as this user (their scope applies); default: no scope limit")

    def handle(self, *args: Any, **opts: Any) -> None:
        paths = [opts["file"], *([opts["members"]] if opts["members"] else [])]
        for p in paths:
            if not p.is_file():
                raise CommandError(f"No such file: {p}")
        user = None
        if opts["user"]:
            user = get_user_model().objects.filter(username=opts["user"]).first()
            if user is None:
                raise CommandError(f"No such user: {opts['user']}")
            if not actions.can_import(user):
                raise CommandError(f"{user.username} may not import households.")
        started = time.perf_counter()
        batch = actions.create_batch(actor=user, files=[(p.name, p) for p in paths])
        batch = actions.validate_batch(batch, actor=user)
        validated = time.perf_counter()
        if batch.status == "failed":
            raise CommandError(batch.error_message())
        s = batch.summary
        self.stdout.write(
            f"import:{batch.pk}: {s['households_valid']}/{s['households']} households and "
            f"{s['members_valid']}/{s['members']} members valid; {s['errors']} errors, "
            f"{s['notices']} notices ({validated - started:.1f} s)."
        )
        for notice in batch.notice_messages():  # in the active language
            self.stdout.write(f"  {notice}")
        issues = actions.issues(batch)
        for r in problems.rows(issues.head(20)):  # in the active language, as the command's errors
            self.stdout.write(f"  [{r['level']}] {r['table']} row {r['row']}, {r['column']}: {r['message']}")
        if issues.height > 20:
            self.stdout.write(f"  … and {issues.height - 20} more")
        report = None
        if s["errors"]:
            report = opts["file"].with_name(opts["file"].stem + ".errors.xlsx")
            error_report(actions.uploads(batch), issues, report)
            self.stdout.write(f"Error report: {report}")
        if opts["commit"]:
            if s["errors"] and not opts["partial"]:
                self.stderr.write("Nothing committed: fix the errors, or add --partial to commit the valid rows.")
            else:
                try:
                    batch = actions.commit_batch(batch, actor=user)
                except ImportError_ as exc:
                    raise CommandError(exc.message) from exc
                r = batch.report
                self.stdout.write(
                    f"Committed import:{batch.pk}: households +{r['households_added']} "
                    f"~{r['households_updated']} ={r['households_unchanged']}; members +{r['members_added']} "
                    f"~{r['members_updated']} ={r['members_unchanged']} ({time.perf_counter() - validated:.1f} s)."
                )
        if s["errors"]:
            raise SystemExit(1)
