"""Benchmark (not a test): the API under 50 concurrent clients, served for real, on PostgreSQL.

    .venv/bin/python bench/api.py                          # 100,000 households, 50 clients, 30 s
    .venv/bin/python bench/api.py --households 1000000     # issue 19's size (the seed takes minutes)
    .venv/bin/python bench/api.py --households 1000000 --build-only   # seed once, keep the database
    .venv/bin/python bench/api.py --reuse ansinh_bench_api_<pid>       # then time it as often as needed

Creates a throw-away PostgreSQL database ``ansinh_bench_api_<pid>``, migrates it, loads the units of province
79, seeds ``--households`` synthetic households (``ansinh seed``), makes an API token for a city analyst of the
whole province (the social insurance agency's kind of token), then starts the production server: ``ansinh serve``
when the project has it, else gunicorn with the project's WSGI application (``--workers``). ``--clients`` threads
on loopback, each with its own keep-alive connection, send a random mix for ``--seconds``:

- the **baseline**: ``GET /api/v1/ping`` (authenticated, audited, rate-counted like every request: the fixed
  cost of a request to this server);
- **search**: ``GET /api/v1/registry/households?q=…`` with a member's name fragment, a household code or an
  ID number drawn from the city (in the token's scope: the whole province);
- **detail**: ``GET /api/v1/registry/households/{code}`` with its members.

All three run under the same load in the same run; it prints the p50/p95 of each, the ratios of the p95s to the
baseline's (goal: search within 4x, detail within 2x) and the count of errors (goal: 0); then the same for one
client alone (``--single-seconds``): the service times without queueing, to read the loaded figures by.
"""

from __future__ import annotations

import argparse
import http.client
import io
import json
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

from throwaway import in_throwaway_database

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "src"))
GOALS = {"search": 4.0, "detail": 2.0}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--households", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--workers", type=int, default=4, help="server processes (gunicorn fallback)")
    parser.add_argument("--single-seconds", type=float, default=10.0, help="then one client alone (0: skip)")
    parser.add_argument("--port", type=int, default=0, help="0: a free port")
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--keep", action="store_true", help="keep the throw-away database")
    parser.add_argument("--build-only", action="store_true", help="seed the city, keep the database, time nothing")
    parser.add_argument("--reuse", help="time against this database (one kept with --build-only or --keep)")
    opts = parser.parse_args()
    if opts.reuse:
        os.environ.update(
            {
                "ANSINH_ENV": "test",
                "DATABASE_URL": f"{opts.server}/{opts.reuse}",
                "DJANGO_SETTINGS_MODULE": "ansinh.config.settings",
            }
        )
        run(opts)
        return
    keep = opts.keep or opts.build_only
    in_throwaway_database(opts.server, "ansinh_bench_api", lambda: run(opts), keep=keep)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _server_command(port: int, workers: int) -> list[str]:
    ansinh = shutil.which("ansinh", path=str(Path(sys.executable).parent)) or "ansinh"
    listed = subprocess.run([ansinh, "help"], capture_output=True, text=True, check=False).stdout
    if " serve" in listed or "\n    serve" in listed:
        return [ansinh, "serve", "--bind", "127.0.0.1", "--port", str(port), "--workers", str(workers)]
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    return [gunicorn, "ansinh.config.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
            "--worker-class", "gthread", "--threads", "4", "--log-level", "warning"]  # fmt: skip


def _samples(n: int) -> tuple[list[str], list[str]]:
    """Household codes for the detail, and search terms (names, codes, ID numbers) for the search."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT code FROM registry_household TABLESAMPLE SYSTEM (1) LIMIT %s", [n])
        codes = [r[0] for r in cursor.fetchall()]
        cursor.execute(
            "SELECT full_name, id_number FROM registry_member TABLESAMPLE SYSTEM (1) WHERE status = 'active' LIMIT %s",
            [n],
        )
        people = cursor.fetchall()
    terms = [name.split()[-1] + " " + name.split()[-2] if len(name.split()) > 2 else name for name, _ in people]
    terms += [idn for _, idn in people if idn][: n // 4]
    terms += codes[: n // 4]
    return codes, terms


def _load(port: int, token: str, clients: int, seconds: float, codes: list[str], terms: list[str]) -> dict:
    results: dict[str, list[float]] = {"ping": [], "search": [], "detail": []}
    errors: dict[str, int] = {}
    lock = threading.Lock()
    stop = time.monotonic() + seconds
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}

    def client(seed: int) -> None:
        rnd = random.Random(seed)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        mine: dict[str, list[float]] = {k: [] for k in results}
        while time.monotonic() < stop:
            kind = rnd.choice(("ping", "search", "detail"))
            if kind == "ping":
                path = "/api/v1/ping"
            elif kind == "search":
                path = "/api/v1/registry/households?" + urllib.parse.urlencode({"q": rnd.choice(terms), "limit": 25})
            else:
                path = "/api/v1/registry/households/" + urllib.parse.quote(rnd.choice(codes))
            t = time.perf_counter()
            try:
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                body = response.read()
                elapsed = time.perf_counter() - t
                if response.status != 200:
                    key = f"{kind} {response.status} {body[:80]!r}"
                    with lock:
                        errors[key] = errors.get(key, 0) + 1
                    continue
                mine[kind].append(elapsed)
            except (OSError, http.client.HTTPException) as exc:
                with lock:
                    errors[f"{kind} {type(exc).__name__}"] = errors.get(f"{kind} {type(exc).__name__}", 0) + 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        conn.close()
        with lock:
            for k, v in mine.items():
                results[k].extend(v)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    return {"latencies": results, "errors": errors}


def _p(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1] if len(values) > 1 else values[0]


def run(opts: argparse.Namespace) -> None:
    import datetime as dt

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, connections
    from django.utils import timezone

    from ansinh.accounts.models import User
    from ansinh.accounts.tokens import do_create_token
    from ansinh.geo.models import Province
    from ansinh.registry.models import Household

    call_command("migrate", verbosity=0)
    if opts.reuse:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        analyst = User.objects.get(username="bench-bhxh")
        print(f"reusing {opts.reuse}: {Household.objects.count():,} households", flush=True)
    else:
        call_command("load_units", province="79", stdout=io.StringIO())
        t = time.perf_counter()
        call_command("seed", households=opts.households, stdout=io.StringIO())
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        print(f"seeded {opts.households:,} households in {time.perf_counter() - t:.0f} s", flush=True)
        analyst = User.objects.create_user(username="bench-bhxh", password="x", role="city_analyst", province_id="79")
    if opts.build_only:
        return
    _token, raw = do_create_token(
        actor=None,
        owner=analyst,
        name="bench",
        grants=["household.view", "member.view"],
        province=Province.objects.get(code="79"),
        valid_until=timezone.now() + dt.timedelta(days=1),
        allowed_addresses="127.0.0.1/32",
    )
    codes, terms = _samples(2000)
    connections.close_all()

    port = opts.port or _free_port()
    env = {**os.environ, "API_RATE_LIMIT": str(10**9), "API_ADDRESS_RATE_LIMIT": str(10**9), "DEBUG": "0",
           "PYTHONPATH": str(ROOT / "src"), "LOG_LEVEL": "ERROR"}  # fmt: skip
    command = _server_command(port, opts.workers)
    print("server:", " ".join(command[:2]), f"({opts.workers} workers) on 127.0.0.1:{port}", flush=True)
    server = subprocess.Popen(command, env=env, cwd=ROOT, start_new_session=True)
    try:
        for _ in range(120):
            try:
                probe = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                probe.request("GET", "/api/v1/openapi.json")
                if probe.getresponse().status == 200:
                    break
            except OSError:
                time.sleep(0.5)
        # Warm every worker's connection and caches, unmeasured.
        _load(port, raw, opts.clients, 3.0, codes, terms)
        out = _load(port, raw, opts.clients, opts.seconds, codes, terms)
        # One client alone: the service times without queueing, for reading the loaded figures.
        alone = _load(port, raw, 1, opts.single_seconds, codes, terms) if opts.single_seconds else None
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)

    _report(out, opts.clients, opts.seconds)
    if alone is not None:
        _report(alone, 1, opts.single_seconds)


def _report(out: dict, clients: int, seconds: float) -> None:
    lat = out["latencies"]
    base = _p(lat["ping"], 95)
    total = sum(len(v) for v in lat.values())
    print(f"{clients} clients, {seconds:.0f} s: {total:,} requests ({total / seconds:,.0f}/s)")
    for kind in ("ping", "search", "detail"):
        v = lat[kind]
        print(f"  {kind:7s} n={len(v):6,d}  p50 {_p(v, 50) * 1000:7.1f} ms  p95 {_p(v, 95) * 1000:7.1f} ms", end="")
        if kind in GOALS:
            ratio = _p(v, 95) / base
            verdict = "ok" if ratio <= GOALS[kind] else "over"
            print(f"  p95/ping {ratio:4.1f}x (goal {GOALS[kind]:.0f}x: {verdict})")
        else:
            print("  (baseline)")
    errors = sum(out["errors"].values())
    print(f"  errors: {errors}" + (": " + json.dumps(out["errors"], ensure_ascii=False)[:600] if errors else ""))


if __name__ == "__main__":
    main()
