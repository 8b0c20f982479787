"""A worker killed (SIGKILL) in the middle of a commit leaves the registry exactly as it was, and the
retried task then commits the whole file. Real processes and a throw-away database of the same engine
as the suite (a SQLite file, or a new PostgreSQL database when DATABASE_URL points to PostgreSQL)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import pytest

from ansinh.imports.columns import HOUSEHOLD_COLUMNS, MEMBER_COLUMNS

from .conftest import household, member, write_csv

SETUP = """
from ansinh.geo.models import Province, Ward
from ansinh.imports import actions
from ansinh.imports.tasks import commit_import
from pathlib import Path
import sys
p = Province.objects.create(code="79", name="TP HCM", kind="city")
Ward.objects.create(code="26734", name="Phường Bến Thành", kind="ward", province=p, area_type="urban")
paths = [Path(a) for a in sys.argv[1:]]
batch = actions.create_batch(actor=None, files=[(x.name, x) for x in paths])
batch = actions.validate_batch(batch, actor=None)
assert batch.summary["errors"] == 0, batch.summary
actions.start_commit(batch)
commit_import.enqueue(batch_id=batch.pk, idempotency_key=f"import-commit:{batch.pk}")
print(batch.pk)
"""
COUNTS = """
from ansinh.audit.models import AuditEvent
from ansinh.imports.models import ImportBatch
from ansinh.registry.models import Household, Member, Membership
b = ImportBatch.objects.get()
print(Household.objects.count(), Member.objects.count(), Membership.objects.count(),
      AuditEvent.objects.filter(source=b.source).count(), b.status)
"""


def _django(env: dict[str, str], code: str, *args: str) -> str:
    script = (
        "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'ansinh.config.settings'); "
        "django.setup()\n" + code
    )
    out = subprocess.run([sys.executable, "-c", script, *args], env=env, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    return out.stdout.strip()


def _ansinh(env: dict[str, str], *args: str) -> subprocess.Popen[bytes]:
    """Run an ``ansinh`` command in its own process, its output going to a log in the data directory."""
    log = Path(env["ANSINH_DATA_DIR"]) / f"{args[0]}-{time.monotonic_ns()}.log"
    with log.open("wb") as fh:
        return subprocess.Popen(
            [sys.executable, "-c", "from ansinh.cli import main; main()", *args],
            env=env,
            stdout=fh,
            stderr=subprocess.STDOUT,
        )


def _logs(tmp_path: Path) -> str:
    return "\n".join(p.read_text(errors="replace")[-2000:] for p in tmp_path.glob("*.log"))


@pytest.fixture
def database_url(tmp_path: Path) -> Iterator[str]:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        yield f"sqlite:///{tmp_path / 'kill.sqlite3'}"
        return
    import psycopg

    name = f"ansinh_kill_{uuid.uuid4().hex[:10]}"
    parsed = urlparse(url)
    admin = urlunparse(parsed._replace(path="/postgres", scheme="postgresql"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunparse(parsed._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.slow
def test_it_leaves_no_partial_data_when_the_worker_is_killed_mid_commit(tmp_path, database_url):
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "ANSINH_ENV": "test",
        "ANSINH_DATA_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "ansinh.config.settings",
    }
    migrate = _ansinh(env, "migrate", "--verbosity", "0")
    assert migrate.wait(timeout=300) == 0, _logs(tmp_path)
    hh = [household(f"K-{i:03d}") for i in range(30)]
    mm = [member(f"K-{i:03d}", dob=f"{1 + i % 28:02d}/05/1980") for i in range(30)]
    paths = [write_csv(tmp_path / "hh.csv", HOUSEHOLD_COLUMNS, hh), write_csv(tmp_path / "m.csv", MEMBER_COLUMNS, mm)]
    _django(env, SETUP, *map(str, paths))

    marker = tmp_path / "paused"
    worker = _ansinh({**env, "ANSINH_IMPORT_PAUSE": f"members:{marker}"}, "worker", "--poll", "0.2")
    deadline = time.monotonic() + 120
    while not marker.exists():
        assert worker.poll() is None, _logs(tmp_path)
        assert time.monotonic() < deadline, "the worker never reached the pause point"
        time.sleep(0.1)
    # The households and the members are written inside the transaction; now the power goes.
    worker.send_signal(signal.SIGKILL)
    worker.wait(timeout=30)

    assert _django(env, COUNTS) == "0 0 0 0 committing"

    # The task is retried once its heartbeat is stale, and the whole file lands.
    retry = _ansinh({**env, "TASK_STALE_SECONDS": "0"}, "worker", "--once")
    assert retry.wait(timeout=300) == 0, _logs(tmp_path)
    assert _django(env, COUNTS) == "30 30 30 61 committed"
