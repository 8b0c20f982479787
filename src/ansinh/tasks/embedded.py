"""The embedded default: a worker subprocess next to the development/demo server, no extra service."""

from __future__ import annotations

import atexit
import subprocess
import sys


def spawn_worker() -> subprocess.Popen[bytes]:
    """Start ``ansinh worker`` as a child process; it is terminated when this process exits."""
    proc = subprocess.Popen([sys.executable, "-m", "ansinh.tasks.embedded"])

    def stop() -> None:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()

    atexit.register(stop)
    return proc


if __name__ == "__main__":
    from ansinh.cli import main

    main(["ansinh", "worker"])
