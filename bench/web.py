"""50 officers at once against ``ansinh serve`` with the demo city: household search, household page, round page.

Not a test. Each kind of page's 95th-percentile time is printed as a ratio to that of a trivial page (the
``/favicon.ico`` redirect: the whole middleware chain, session and user included, and no view work) asked by
the same users, on the same server, under the same load, in the same run. Goal (issue 14): each within 3x,
and no error.

    .venv/bin/python bench/web.py --database postgres          # a throw-away database, dropped at the end
    .venv/bin/python bench/web.py --database sqlite            # a throw-away data directory
    .venv/bin/python bench/web.py --database sqlite --data-dir /tmp/demo   # an existing demo (kept)

The demo city is built by ``ansinh demo --no-serve`` (skipped where it exists), a review round of the demo ward
with its household list is opened if there is none, the server is ``ansinh serve`` (its default workers per
core and connection budget), and the users sign in as ``demo-officer`` over plain HTTP on loopback, each with
its own session and keep-alive connection (``http.client``). The server's memory (its processes' resident
sets summed) is sampled while the load runs.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
KINDS = ("trivial", "search", "household", "round")
SEARCHES = ("nguyen van", "tran thi", "le thi", "pham", "hoang van", "duong", "vo thi", "ngo", "bui van", "dang")
OK = {200, 301, 302}


def _ansinh(*args: str) -> list[str]:
    return [sys.executable, "-m", "ansinh.cli", *args]


def _wait_for_port(port: int, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.3)
    raise SystemExit(f"the server did not listen on {port} within {timeout:.0f} s")


def _fixtures(households: int) -> dict[str, object]:
    """The demo ward's households (a sample), a round of that ward, and the demo password (in this process)."""
    import datetime

    import django

    django.setup()
    from django.db import connections

    from ansinh.accounts.demo import DEMO_PASSWORD, demo_ward
    from ansinh.accounts.models import User
    from ansinh.geo.models import Province
    from ansinh.registry.models import Household
    from ansinh.review import actions
    from ansinh.review.models import Round

    officer = User.objects.get(username="demo-officer")
    ward = demo_ward(Province.objects.get(code="79"))
    review_round = Round.objects.filter(ward=ward).order_by("-pk").first()
    if review_round is None:
        year = datetime.date.today().year
        review_round = actions.do_create_round(actor=officer, ward=ward, kind="periodic", year=year)
        actions.do_build_household_list(actor=officer, review_round=review_round)
    pks = list(Household.objects.filter(ward=ward, status="active").values_list("pk", flat=True)[:2000])
    found = {
        "households": pks,
        "round": review_round.pk,
        "ward": ward.name,
        "ward_households": Household.objects.filter(ward=ward).count(),
        "round_households": review_round.households.count(),
        "password": DEMO_PASSWORD,
    }
    connections.close_all()
    return found


class Session:
    """One user: a keep-alive connection and the session cookie."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, bytes]:
        headers = {"Host": "127.0.0.1", "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://127.0.0.1:{self.port}/login/"
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
        except (http.client.HTTPException, OSError):
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            raise
        data = response.read()
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key.strip()] = rest.split(";", 1)[0]
        return response.status, data

    def sign_in(self, username: str, password: str) -> None:
        status, page = self.request("GET", "/login/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert status == 200 and token, status
        body = urlencode({"username": username, "password": password, "csrfmiddlewaretoken": token.group(1).decode()})
        status, _ = self.request("POST", "/login/", body)
        if status != 302 or "sessionid" not in self.cookies:
            raise SystemExit(f"sign-in as {username} failed ({status})")


def _paths(fixtures: dict[str, object], rng: random.Random) -> dict[str, Callable[[], str]]:
    households = fixtures["households"]
    assert isinstance(households, list) and households
    return {
        "trivial": lambda: "/favicon.ico",
        "search": lambda: "/households/?" + urlencode({"q": rng.choice(SEARCHES)}),
        "household": lambda: f"/households/{rng.choice(households)}/",
        "round": lambda: f"/review/{fixtures['round']}/",
    }


def _tree_rss_mb(pid: int) -> float:
    """Resident memory of ``pid`` and its descendants, in MB (Linux /proc)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        todo += children.get(p, [])
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


def run_load(
    port: int, fixtures: dict[str, object], users: int, seconds: float, warmup: float, server_pid: int
) -> tuple[list[tuple[str, float, int]], list[str], float]:
    password = str(fixtures["password"])
    sessions = []
    for _ in range(users):
        s = Session(port)
        s.sign_in("demo-officer", password)
        sessions.append(s)
    results: list[tuple[str, float, int]] = []
    errors: list[str] = []
    lock = threading.Lock()
    start = time.monotonic()
    counted_from, stop = start + warmup, start + warmup + seconds
    peak = [0.0]

    def user(i: int, session: Session) -> None:
        rng = random.Random(i)
        paths = _paths(fixtures, rng)
        n = i
        while time.monotonic() < stop:
            kind = KINDS[n % len(KINDS)]
            n += 1
            path = paths[kind]()
            t0 = time.monotonic()
            try:
                status, _ = session.request("GET", path)
            except Exception as exc:
                status, detail = 0, f"{kind} {path}: {exc!r}"
            else:
                detail = f"{kind} {path}: HTTP {status}"
            elapsed = time.monotonic() - t0
            if t0 >= counted_from:
                with lock:
                    results.append((kind, elapsed, status))
                    if status not in OK:
                        errors.append(detail)

    def sample() -> None:
        while time.monotonic() < stop:
            peak[0] = max(peak[0], _tree_rss_mb(server_pid))
            time.sleep(0.5)

    threads = [threading.Thread(target=user, args=(i, s)) for i, s in enumerate(sessions)]
    sampler = threading.Thread(target=sample)
    for t in [*threads, sampler]:
        t.start()
    for t in [*threads, sampler]:
        t.join()
    return results, errors, peak[0]


def _p(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1] if len(values) > 1 else values[0]


def _report(results: list[tuple[str, float, int]], errors: list[str], seconds: float, peak_mb: float) -> None:
    by_kind = {k: [t for kind, t, _s in results if kind == k] for k in KINDS}
    base = _p(by_kind["trivial"], 95)
    print(f"\n{len(results):,} requests in {seconds:.0f} s ({len(results) / seconds:.0f}/s), {len(errors)} errors")
    print(f"{'page':<10} {'requests':>8} {'p50 ms':>8} {'p95 ms':>8} {'p95 / trivial p95':>18}")
    for kind in KINDS:
        times = by_kind[kind]
        if not times:
            print(f"{kind:<10} {0:>8}")
            continue
        p50, p95 = _p(times, 50) * 1000, _p(times, 95) * 1000
        ratio = _p(times, 95) / base if base else float("nan")
        goal = "" if kind == "trivial" else ("  ok" if ratio <= 3 else "  over 3x")
        print(f"{kind:<10} {len(times):>8} {p50:>8.1f} {p95:>8.1f} {ratio:>17.2f}x{goal}")
    print(f"server memory (all its processes), peak: {peak_mb:,.0f} MB")
    for line in errors[:10]:
        print("  error:", line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", choices=("postgres", "sqlite"), default="postgres")
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432", help="PostgreSQL server")
    parser.add_argument("--database-url", help="an existing demo database (kept) instead of a throw-away one")
    parser.add_argument("--data-dir", type=Path, help="an existing demo data directory (kept)")
    parser.add_argument("--households", type=int, default=40_000, help="the demo city's size when it is built")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--warmup", type=float, default=5)
    parser.add_argument("--single-seconds", type=float, default=10, help="the one-user run after the load")
    parser.add_argument("--port", type=int, default=8150)
    parser.add_argument("--serve-args", default="", help="extra arguments for ansinh serve, e.g. '--workers 3'")
    parser.add_argument("--keep", action="store_true", help="keep the throw-away database and data directory")
    args = parser.parse_args()

    data_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="ansinh-bench-web-"))
    env = {
        **os.environ,
        "ANSINH_ENV": "demo",
        "ANSINH_DATA_DIR": str(data_dir),
        "DJANGO_SETTINGS_MODULE": "ansinh.config.settings",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT / "src"), os.environ.get("PYTHONPATH")])),
        "WHITENOISE_AUTOREFRESH": "0",
    }
    env.pop("DATABASE_URL", None)
    throwaway = None
    if args.database == "postgres":
        if args.database_url:
            env["DATABASE_URL"] = args.database_url
        else:
            import psycopg

            throwaway = f"ansinh_bench_web_{os.getpid()}"
            with psycopg.connect(f"{args.server}/postgres", autocommit=True) as admin:
                admin.execute(f'CREATE DATABASE "{throwaway}"')
            env["DATABASE_URL"] = f"{args.server}/{throwaway}"
    os.environ.update(env)
    server = None
    try:
        print(f"Building the demo city ({args.database}, {data_dir})…", flush=True)
        subprocess.run(_ansinh("demo", "--no-serve", "--households", str(args.households)), env=env, check=True)
        fixtures = _fixtures(args.households)
        print(
            f"Demo ward {fixtures['ward']}: {fixtures['ward_households']:,} households; the round lists "
            f"{fixtures['round_households']:,}.",
            flush=True,
        )
        server = subprocess.Popen(
            _ansinh("serve", "--port", str(args.port), *args.serve_args.split()), env=env, cwd=str(data_dir)
        )
        _wait_for_port(args.port)
        print(
            f"{args.users} users for {args.seconds:.0f} s (after {args.warmup:.0f} s of warm-up), "
            f"on {args.database.upper() if args.database == 'sqlite' else 'PostgreSQL'}:",
            flush=True,
        )
        results, errors, peak = run_load(args.port, fixtures, args.users, args.seconds, args.warmup, server.pid)
        _report(results, errors, args.seconds, peak)
        # The same pages for one user alone, for scale: what each costs when nothing waits in the queue.
        print(f"\nOne user alone for {args.single_seconds:.0f} s, same server:", flush=True)
        results, errors, peak = run_load(args.port, fixtures, 1, args.single_seconds, 1, server.pid)
        _report(results, errors, args.single_seconds, peak)
        print(f"load average after the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    finally:
        if server is not None:
            time.sleep(1)  # the last request's clean-up, before gunicorn's quick shutdown
            server.send_signal(signal.SIGINT)
            server.wait(timeout=60)
        if throwaway and not args.keep:
            import psycopg

            with psycopg.connect(f"{args.server}/postgres", autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{throwaway}" WITH (FORCE)')
        if not args.data_dir and not args.keep:
            shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
