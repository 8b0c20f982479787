"""A throw-away PostgreSQL database for a benchmark that needs the whole app on a real server."""

from __future__ import annotations

import os
from collections.abc import Callable


def use_database(server: str, name: str) -> None:
    """Point the app at an existing database ``name`` on ``server`` (test settings): one kept by an earlier
    run's ``--build-only`` or ``--keep``, timed again with ``--reuse``."""
    os.environ.update(
        {"ANSINH_ENV": "test", "DATABASE_URL": f"{server}/{name}", "DJANGO_SETTINGS_MODULE": "ansinh.config.settings"}
    )


def in_database(server: str, prefix: str, run: Callable[[], None], *, reuse: str | None, keep: bool) -> None:
    """``run`` against the kept database ``reuse`` when given, else in a throw-away one (kept if ``keep``)."""
    if reuse:
        use_database(server, reuse)
        run()
        return
    in_throwaway_database(server, prefix, run, keep=keep)


def in_throwaway_database(server: str, prefix: str, run: Callable[[], None], *, keep: bool = False) -> None:
    """Create ``<prefix>_<pid>`` on ``server``, point the app at it (test settings), call ``run``, then drop it
    (or keep it and say so)."""
    import psycopg

    name = f"{prefix}_{os.getpid()}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    use_database(server, name)
    try:
        run()
    finally:
        from django.db import connections

        connections.close_all()
        if not keep:
            with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        else:
            print(f"kept database {name}")
