"""``ansinh serve``: the web application under gunicorn, as in production and as ``make demo`` runs it on Linux.

Processes, not a thread per request: ``--workers-per-core`` worker processes per core (two by default), each
answering one request at a time (``--threads 1``, gunicorn's sync worker) or a few (``--threads N``, its
threaded worker). Each thread keeps at most one database connection (``CONN_MAX_AGE`` reuses it between
requests), so the server holds at most workers × threads connections; that product is kept within the
database's budget — ``DB_MAX_CONNECTIONS`` if set, else on PostgreSQL ``max_connections`` less the superuser
reserve and ``DB_RESERVED_CONNECTIONS`` (5 by default: the task workers, a shell, a migration) — by running
fewer workers, never more connections. Requests that do not fit wait in the listen queue instead of failing.

Static files are served by WhiteNoise from ``STATIC_ROOT`` (``ansinh collectstatic``), or by the proxy in front.
The long jobs are not run here: ``ansinh worker`` runs them in processes of their own (``docs/deploy.md``).
"""

from __future__ import annotations

import gc
import os
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, connections

DEFAULT_RESERVED = 5


def connection_budget() -> int | None:
    """How many connections the web server may hold, or None when the database sets no limit (SQLite)."""
    explicit = os.environ.get("DB_MAX_CONNECTIONS") or getattr(settings, "DB_MAX_CONNECTIONS", None)
    if explicit:
        return int(explicit)
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SHOW max_connections")
        limit = int(cursor.fetchone()[0])
        cursor.execute("SHOW superuser_reserved_connections")
        reserved = int(cursor.fetchone()[0])
    connections.close_all()  # not inherited by the forked workers
    return max(limit - reserved - int(os.environ.get("DB_RESERVED_CONNECTIONS", DEFAULT_RESERVED)), 1)


def plan_workers(*, cores: int, per_core: int, threads: int, budget: int | None, asked: int | None = None) -> int:
    """The number of worker processes: ``asked`` or ``per_core`` per core, at least one, and no more than the
    connection budget allows at ``threads`` connections each.

    >>> plan_workers(cores=2, per_core=2, threads=1, budget=None)
    4
    >>> plan_workers(cores=16, per_core=2, threads=4, budget=90)
    22
    >>> plan_workers(cores=2, per_core=2, threads=1, budget=95, asked=8)
    8
    >>> plan_workers(cores=8, per_core=2, threads=1, budget=3)
    3
    """
    wanted = asked or max(cores * per_core, 1)
    if budget is not None:
        wanted = min(wanted, max(budget // max(threads, 1), 1))
    return max(wanted, 1)


class Command(BaseCommand):
    help = "Serve the web application with gunicorn (worker processes per core, bounded database connections)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", default=os.environ.get("ANSINH_BIND", "127.0.0.1"), help="address to listen on")
        parser.add_argument("--port", type=int, default=int(os.environ.get("ANSINH_PORT", "8000")))
        parser.add_argument("--workers", type=int, help="worker processes (default: --workers-per-core per core)")
        parser.add_argument("--workers-per-core", type=int, default=2)
        parser.add_argument("--threads", type=int, default=1, help="threads per worker (each may hold a connection)")
        parser.add_argument("--timeout", type=int, default=120, help="seconds before a stuck worker is replaced")
        parser.add_argument("--graceful-timeout", type=int, default=30)
        parser.add_argument("--keepalive", type=int, default=5)
        parser.add_argument("--max-requests", type=int, default=2000, help="replace a worker after this many requests")
        parser.add_argument("--access-log", default=None, help="a file, or - for standard output (default: none)")

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            from gunicorn.app.base import BaseApplication
        except ImportError as exc:  # pragma: no cover - gunicorn is a dependency; not on Windows
            raise CommandError("gunicorn is not installed (it runs on Linux and macOS).") from exc

        budget = connection_budget()
        threads = max(opts["threads"], 1)
        workers = plan_workers(
            cores=os.cpu_count() or 1,
            per_core=opts["workers_per_core"],
            threads=threads,
            budget=budget,
            asked=opts["workers"],
        )
        if opts["workers"] and workers < opts["workers"]:
            self.stderr.write(f"{opts['workers']} workers would exceed {budget} database connections: {workers}.")
        config = {
            "bind": f"{opts['bind']}:{opts['port']}",
            "workers": workers,
            "threads": threads,
            "worker_class": "gthread" if threads > 1 else "sync",
            "timeout": opts["timeout"],
            "graceful_timeout": opts["graceful_timeout"],
            "keepalive": opts["keepalive"],
            "max_requests": opts["max_requests"],
            "max_requests_jitter": max(opts["max_requests"] // 10, 0),
            "backlog": 2048,
            "preload_app": True,  # imported once, shared by the forked workers
            "accesslog": opts["access_log"],
            "errorlog": "-",
            "loglevel": "warning",
            "proc_name": "ansinh",
            # No database connection may cross a fork: each worker opens its own.
            "pre_fork": lambda server, worker: connections.close_all(),
        }
        limit = "no limit" if budget is None else f"at most {workers * threads} of {budget}"
        self.stdout.write(
            f"Serving http://{opts['bind']}:{opts['port']}/ with {workers} worker(s) × {threads} thread(s); "
            f"database connections: {limit}."
        )
        self.stdout.flush()

        class Server(BaseApplication):  # type: ignore[misc]
            def load_config(self) -> None:
                for key, value in config.items():
                    if value is not None:
                        self.cfg.set(key, value)

            def load(self) -> Any:
                from django.core.wsgi import get_wsgi_application
                from django.urls import get_resolver

                application = get_wsgi_application()
                get_resolver().url_patterns  # noqa: B018 - every view imported here, once, shared by the workers
                connections.close_all()
                # The loaded application out of the cycle collector's way: a full collection in a worker then
                # scans only what the worker made, not the ~200,000 objects of the app (a 0.3 s pause on a busy
                # machine, in the middle of some request), and the shared pages are not copied on write by it.
                gc.collect()
                gc.freeze()
                return application

        Server().run()
