"""Simulate a month of support: 1,000 cases, the SLA sweep every 5 minutes (issue 12, part 7).

Run:
    .venv/bin/python bench/simulate.py                 # SQLite, a fresh temporary file
    .venv/bin/python bench/simulate.py --postgres      # PostgreSQL, database connect_sim
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/connect_sim \
        .venv/bin/python bench/simulate.py             # PostgreSQL at that URL
    .venv/bin/python bench/simulate.py --cases 300 --days 10 --agents 5 --seed 7

The PostgreSQL database is created when missing, or dropped and recreated when its name
contains "sim" or "bench" (never otherwise), then migrated.

The world is the demo's (contracts.demo.seed_world, seeded as of the first simulated day)
plus simulated agents. From Monday 2 March 2026 (UTC) the cases arrive in support hours of
their sites' calendars and are worked through the case services, every step under
time_machine at its simulated instant; the sweep runs every 5 simulated minutes, then the
outbox flush delivers what is due to the locmem backend (tests/cases/simulation.py tells the
stories). Prints emails per recipient per day (counted as delivered, on the recipient's
local day), reminders per case against what the cadence allows, digests ("sla_digest"
outbox rows) and the sweep's time per run; exits 1, naming each problem, when a case got
more status-update reminders than its cadence allows, an SLA email was written twice, an
idempotency key repeats, a message was delivered twice or a story step failed.
"""

from __future__ import annotations

import argparse
import logging
import os
import resource
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/connect_sim"


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1_000, help="cases arriving (1,000)")
    parser.add_argument("--days", type=int, default=30, help="simulated days (30)")
    parser.add_argument("--agents", type=int, default=10, help="support agents (10)")
    parser.add_argument("--seed", type=int, default=20260302, help="random seed")
    parser.add_argument(
        "--postgres", action="store_true", help=f"use {POSTGRES_URL} (or BENCH_DATABASE_URL)"
    )
    return parser.parse_args()


def setup_django(tmp: Path, *, postgres: bool) -> str:
    """Point Django at a fresh simulation database, migrate it, and return its description."""
    url = os.environ.get("BENCH_DATABASE_URL", "") or (POSTGRES_URL if postgres else "")
    if url:
        _fresh_postgres(url)
    else:
        url = f"sqlite:///{tmp / 'simulate.sqlite3'}"
    os.environ.update(
        DATABASE_URL=url,
        DEBUG="0",
        SECRET_KEY="bench-only-not-secret",
        VAR_DIR=str(tmp / "var"),
        CACHE_URL="locmem://",
        EMAIL_URL="memory://",
        CELERY_BROKER_URL="memory://",
        LOG_LEVEL="WARNING",
        # Nobody logs in: the demo people's passwords need no costly hash.
        PASSWORD_HASHERS="django.contrib.auth.hashers.MD5PasswordHasher",
        DJANGO_SETTINGS_MODULE="portal.settings",
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    # kombu's in-memory broker warns once that it has no host name: it needs none.
    logging.getLogger("kombu.connection").setLevel(logging.ERROR)
    return f"{connection.vendor} {connection.settings_dict['NAME']}"


def _fresh_postgres(url: str) -> None:
    """Create the database, dropping it first when it exists and is a simulation or bench one."""
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and not ("sim" in name or "bench" in name):
            raise SystemExit(f"refusing to drop {name!r}: its name must contain 'sim' or 'bench'")
        if exists:
            conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def main() -> int:
    args = arguments()
    with tempfile.TemporaryDirectory(prefix="bench-simulate-") as tmp:
        database = setup_django(Path(tmp), postgres=args.postgres)
        from tests.cases.simulation import SimConfig, Simulation, report

        config = SimConfig(cases=args.cases, days=args.days, agents=args.agents, seed=args.seed)
        print(
            f"database: {database}; {config.cases:,} cases over {config.days} days from "
            f"{config.start.date().isoformat()}, {config.agents} agents, seed {config.seed}"
        )
        started = time.perf_counter()
        sim = Simulation(config).run()
        elapsed = time.perf_counter() - started
        result = report(sim)
        for line in result.lines:
            print(line)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"simulated in {elapsed:.0f} s of wall time; peak memory {peak:.0f} MiB")
        if result.problems:
            print(f"FAIL: {len(result.problems)} problems", file=sys.stderr)
            for problem in result.problems:
                print(f"  {problem}", file=sys.stderr)
            return 1
        print("OK: every case within its reminder cadence; no email written or sent twice")
        return 0


if __name__ == "__main__":
    sys.exit(main())
