"""``ansinh serve``: gunicorn worker processes, with the database connections they may hold bounded."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

from ansinh.cli.management.commands.serve import connection_budget, plan_workers

ROOT = Path(__file__).resolve().parents[1]


def test_it_runs_fewer_workers_rather_than_more_connections_than_the_budget():
    assert plan_workers(cores=2, per_core=2, threads=1, budget=None) == 4
    assert plan_workers(cores=64, per_core=2, threads=1, budget=95) == 95
    assert plan_workers(cores=64, per_core=2, threads=4, budget=95) == 23  # 23 × 4 = 92 connections
    assert plan_workers(cores=2, per_core=2, threads=1, budget=0) == 1


def test_the_budget_is_the_setting_else_what_postgresql_allows(db, monkeypatch):
    monkeypatch.setenv("DB_MAX_CONNECTIONS", "12")
    assert connection_budget() == 12
    monkeypatch.delenv("DB_MAX_CONNECTIONS")
    monkeypatch.setenv("DB_RESERVED_CONNECTIONS", "5")
    if connection.vendor != "postgresql":
        assert connection_budget() is None  # SQLite has no connection limit
        return
    with connection.cursor() as cursor:
        cursor.execute("SHOW max_connections")
        limit = int(cursor.fetchone()[0])
        cursor.execute("SHOW superuser_reserved_connections")
        reserved = int(cursor.fetchone()[0])
    assert connection_budget() == limit - reserved - 5


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="gunicorn serves on Linux (and macOS)")
def test_it_serves_the_application_with_worker_processes(tmp_path):
    port = _free_port()
    env = {
        **os.environ,
        "ANSINH_ENV": "demo",
        "ANSINH_DATA_DIR": str(tmp_path),
        "PYTHONPATH": str(ROOT / "src"),
        "DB_MAX_CONNECTIONS": "2",
    }
    env.pop("DATABASE_URL", None)
    command = [sys.executable, "-m", "ansinh.cli", "serve", "--port", str(port), "--workers", "3"]
    server = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                request = urllib.request.Request(f"http://127.0.0.1:{port}/favicon.ico")
                opener = urllib.request.build_opener(NoRedirect)
                opener.open(request, timeout=5)
            except urllib.error.HTTPError as answer:
                assert answer.code == 301
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, "the server did not start"
                time.sleep(0.3)
    finally:
        server.send_signal(signal.SIGINT)  # gunicorn's quick shutdown
        out, _ = server.communicate(timeout=30)
    assert "with 2 worker(s) × 1 thread(s); database connections: at most 2 of 2" in out
    assert "3 workers would exceed 2 database connections: 2." in out


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None
