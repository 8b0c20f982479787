"""``ansinh purge-imports [--dry-run]``: apply the retention rule to staged import files (run it daily).

Removes the files of imports cancelled, or committed or failed more than ``IMPORT_STAGING_RETENTION_DAYS``
ago, and first cancels the imports left unfinished for more than ``IMPORT_UNFINISHED_RETENTION_DAYS``.
Each change is audited as done by the system. Exits 1 when some import could not be handled.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from ansinh.imports import actions


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
            self.stdout.write(f"{expire} {b.source} ({b.status}, unfinished since "
                              f"{timezone.localtime(b.last_step()):%Y-%m-%d %H:%M})")
        for b in report.purged:
            self.stdout.write(f"{purge} {b.source} ({b.status}) {', '.join(b.file_names)}")
        for b, problem in report.problems:
            self.stderr.write(f"{b.source}: {problem}")
        done = "to cancel" if dry else "cancelled"
        gone = "to remove" if dry else "removed"
        self.stdout.write(
            f"{len(report.expired)} unfinished imports {done}, files of {len(report.purged)} imports {gone} "
            f"(kept {settings.IMPORT_STAGING_RETENTION_DAYS} days after an import ends, "
            f"{settings.IMPORT_UNFINISHED_RETENTION_DAYS} days when unfinished).")
        if report.problems:
            raise CommandError(f"{len(report.problems)} imports could not be handled; see above.")
