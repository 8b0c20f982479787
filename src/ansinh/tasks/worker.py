"""The worker loop: claim and run background tasks until stopped (SIGTERM, Ctrl+C) or, with ``once``, until
the queue is empty. ``ansinh worker`` and the embedded worker next to the demo server both run it."""

from __future__ import annotations

import signal
import time
from collections.abc import Callable
from typing import Any

from ansinh.tasks import actions


def work(*, once: bool = False, poll: float = 1.0, say: Callable[[str], None] = lambda _line: None) -> None:
    """Run queued tasks one after the other, polling every ``poll`` seconds when idle."""
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
                if once:
                    break
                time.sleep(poll)
                continue
            say(f"running {task}")
            actions.run(task)
            say(f"finished {task}")
    except KeyboardInterrupt:
        pass
    finally:
        beat.stop.set()
