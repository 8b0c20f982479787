"""The embedded default: a worker process next to the demo server, no extra service, restarted when it dies.

The worker runs in a process of its own, so a file that crashes it cannot take the web server down; the
supervisor here starts it again (after a pause that grows while it keeps dying), and the new worker fails or
queues again the task its predecessor was running (``ansinh.tasks.actions.reap_dead_here``).
"""

from __future__ import annotations

import atexit
import logging
import os
import subprocess
import sys
import threading

log = logging.getLogger(__name__)


class Supervisor(threading.Thread):
    """Keeps one worker process (the loop of ``ansinh.tasks.worker``) running until :meth:`stop`."""

    def __init__(self, command: list[str] | None = None) -> None:
        super().__init__(daemon=True, name="ansinh-worker-supervisor")
        self.command = command or [sys.executable, "-m", "ansinh.tasks.embedded"]
        self.stopping = threading.Event()
        self.proc: subprocess.Popen[bytes] | None = None
        self.restarts = 0

    def run(self) -> None:
        pause = 1.0
        while not self.stopping.is_set():
            self.proc = subprocess.Popen(self.command)
            code = self.proc.wait()
            if self.stopping.is_set():
                break
            self.restarts += 1
            log.error("the import worker (pid %s) stopped with %s; starting it again", self.proc.pid, code)
            print(f"The background worker stopped ({code}); starting it again.", file=sys.stderr, flush=True)
            if self.stopping.wait(pause):
                break
            pause = min(pause * 2, 30.0)

    def stop(self) -> None:
        self.stopping.set()
        proc = self.proc
        if proc is not None and proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()


def spawn_worker() -> Supervisor:
    """Start the worker loop as a supervised child process; it is stopped when this process exits. The child
    inherits the environment (settings module, ``ANSINH_ENV``, database)."""
    supervisor = Supervisor()
    supervisor.start()
    atexit.register(supervisor.stop)
    return supervisor


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ansinh.config.settings")
    os.environ.setdefault("ANSINH_ENV", "local")
    import django

    django.setup()
    from ansinh.tasks.worker import work

    work(say=print)
