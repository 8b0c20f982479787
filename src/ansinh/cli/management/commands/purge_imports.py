"""``ansinh purge-imports [--dry-run]``: apply the retention rule to staged import files (run it daily).

Removes the files of imports cancelled, or committed or failed more than ``IMPORT_STAGING_RETENTION_DAYS``
ago, and first cancels the imports left unfinished for more than ``IMPORT_UNFINISHED_RETENTION_DAYS`` (a task
whose worker died is reaped first, as the worker does). Then removes the directories under the staging root
named like an import's but belonging to none, untouched for ``IMPORT_UNFINISHED_RETENTION_DAYS``; anything
else there is listed and left alone. Each change is audited as done by the system. Background exports'
workbooks go after ``IMPORT_STAGING_RETENTION_DAYS`` too. Exits 1 when some import or directory could not be
handled.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from ansinh.imports import actions
from ansinh.imports.tasks import purge_exports


class Command(BaseCommand):
    requires_system_checks: list[str] = []
    help = "Remove staged import files past their retention and cancel imports left unfinished."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="list what would go; change nothing")

    def handle(self, *args: Any, **opts: Any) -> None:
        dry = opts["dry_run"]
        report = actions.purge_staged_files(actor=None, now=timezone.now(), dry_run=dry)
        expire, purge = ("would cancel", "would remove the files of") if dry else ("cancelled", "removed the files of")
        for b in report.expired:
            self.stdout.write(
                f"{expire} {b.source} ({b.status}, unfinished since {timezone.localtime(b.last_step()):%Y-%m-%d %H:%M})"
            )
        for b in report.purged:
            self.stdout.write(f"{purge} {b.source} ({b.status}) {', '.join(b.file_names)}")
        for b, problem in report.problems:
            self.stderr.write(f"{b.source}: {problem}")
        orphan = "would remove the orphan directory" if dry else "removed the orphan directory"
        for path in report.orphans:
            self.stdout.write(f"{orphan} {path} (no import {path.name})")
        for path, problem in report.orphan_problems:
            self.stderr.write(f"{path}: {problem}")
        for path, why in report.left_alone:
            self.stdout.write(f"left alone {path}: {why}")
        for path in purge_exports(now=timezone.now(), dry_run=dry):
            self.stdout.write(f"{'would remove' if dry else 'removed'} the export {path.name}")
        if report.reaped:
            self.stdout.write(f"{report.reaped} tasks whose worker stopped responding were queued again or failed.")
        done = "to cancel" if dry else "cancelled"
        gone = "to remove" if dry else "removed"
        self.stdout.write(
            f"{len(report.expired)} unfinished imports {done}, files of {len(report.purged)} imports {gone}, "
            f"{len(report.orphans)} orphan directories {gone} "
            f"(kept {settings.IMPORT_STAGING_RETENTION_DAYS} days after an import ends, "
            f"{settings.IMPORT_UNFINISHED_RETENTION_DAYS} days when unfinished or orphaned)."
        )
        failures = len(report.problems) + len(report.orphan_problems)
        if failures:
            raise CommandError(f"{failures} imports or directories could not be handled; see above.")
