"""``ansinh worker``: claim and run background tasks until stopped."""

from __future__ import annotations

import signal
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from ansinh.tasks import actions


class Command(BaseCommand):
    help = "Run background tasks (imports, exports…). Several workers may run at once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="run the queued tasks, then exit")
        parser.add_argument("--poll", type=float, default=1.0, help="seconds between polls when idle")

    def handle(self, *args: Any, **opts: Any) -> None:
        stopping = False

        def stop(*_: Any) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        name = actions.worker_name()
        beat = actions.Heartbeat(name)
        beat.start()
        try:
            while not stopping:
                actions.reap_stale()
                actions.reap_dead_here()
                task = actions.claim(name)
                if task is None:
                    if opts["once"]:
                        break
                    time.sleep(opts["poll"])
                    continue
                self.stdout.write(f"running {task}")
                actions.run(task)
                self.stdout.write(f"finished {task}")
        except KeyboardInterrupt:
            pass
        finally:
            beat.stop.set()
