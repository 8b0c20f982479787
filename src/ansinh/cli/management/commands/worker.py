"""``ansinh worker``: claim and run background tasks until stopped."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from ansinh.tasks.worker import work


class Command(BaseCommand):
    help = "Run background tasks (imports, exports…). Several workers may run at once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="run the queued tasks, then exit")
        parser.add_argument("--poll", type=float, default=1.0, help="seconds between polls when idle")

    def handle(self, *args: Any, **opts: Any) -> None:
        work(once=opts["once"], poll=opts["poll"], say=self.stdout.write)
