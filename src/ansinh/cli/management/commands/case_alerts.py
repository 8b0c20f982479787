"""``ansinh case-alerts``: alert the owners and supervisors of every statutory clock of a case that ran out (once
per clock and user; run it from cron every few minutes, the demo runs it once)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from ansinh.cases.actions import raise_clock_alerts


class Command(BaseCommand):
    help = "Write an alert for every overdue statutory clock of an open case (idempotent)."

    def handle(self, *args: Any, **opts: Any) -> None:
        self.stdout.write(f"{raise_clock_alerts()} alert(s) written.")
