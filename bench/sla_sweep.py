"""Benchmark the SLA sweep over 100,000 open cases on SQLite or PostgreSQL (issue 5, item 9).

Run:
    .venv/bin/python bench/sla_sweep.py            # SQLite, a fresh temporary file
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/connect_bench \
        .venv/bin/python bench/sla_sweep.py        # PostgreSQL

The PostgreSQL database is created when missing; an existing one is dropped and recreated
only when its name contains "bench" (never otherwise), then migrated.

Steps: 10,000 open cases, none due, then 100,000, swept with nothing due; then 1,000 more
whose P1 response fell due (1,000 breaches, each alerting its assignee, the supervisor and
the customer: 3,000 emails), swept once, then again. For every sweep: seconds and queries. Targets: under
0.5 s with nothing due, under 5 s with 1,000 due, and the nothing-due query count the same at
10,000 and 100,000 open cases.

Celery runs on kombu's in-memory broker, so queuing each outbox delivery after commit costs
what a fast broker costs; rendering and sending the emails is the outbox worker's job, not
the sweep's, and is not measured. Prints figures; it is not a test and asserts nothing.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
SEED = 20260303
# Tuesday 3 March 2026, 11:31 in Chicago: the Worldwide calendar is open.
NOW = datetime(2026, 3, 3, 17, 31, tzinfo=UTC)
ZONES = ["America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles"]
ORGANISATIONS = 1_000
BATCH = 5_000


def setup_django(tmp: Path) -> str:
    """Point Django at a fresh bench database, migrate it, and return its description."""
    url = os.environ.get("BENCH_DATABASE_URL", "")
    if url:
        _fresh_postgres(url)
    else:
        url = f"sqlite:///{tmp / 'bench.sqlite3'}"
    os.environ.update(
        DATABASE_URL=url,
        DEBUG="0",
        SECRET_KEY="bench-only-not-secret",
        VAR_DIR=str(tmp / "var"),
        CACHE_URL="locmem://",
        EMAIL_URL="memory://",
        CELERY_BROKER_URL="memory://",
        LOG_LEVEL="WARNING",
        DJANGO_SETTINGS_MODULE="portal.settings",
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    return f"{connection.vendor} {connection.settings_dict['NAME']}"


def _fresh_postgres(url: str) -> None:
    """Create the bench database, dropping it first when it exists and is a bench one."""
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and "bench" not in name:
            raise SystemExit(f"refusing to drop {name!r}: a bench database name contains 'bench'")
        if exists:
            conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def build_world() -> dict:
    """Create the organisations, sites, customers, staff and release the cases refer to."""
    from django.contrib.auth.models import Group

    from contracts.models import Organization, Product, Release, Site, User
    from contracts.roles import StaffRole
    from sla.models import Calendar, PolicyVersion

    product = Product.objects.create(name="CONNECT CAM", code="connect-cam")
    release = Release.objects.create(
        product=product, version="2026", release_date=date(2025, 10, 15)
    )
    orgs = Organization.objects.bulk_create(
        Organization(name=f"Customer {n:05d}", kind="direct_customer", country="US")
        for n in range(ORGANISATIONS)
    )
    sites = Site.objects.bulk_create(
        Site(
            organization=org,
            name=f"Site {n:05d}",
            code=f"S{n:05d}",
            country="US",
            time_zone=ZONES[n % len(ZONES)],
        )
        for n, org in enumerate(orgs)
    )
    password = "!"  # unusable: nobody logs in
    customers = User.objects.bulk_create(
        User(email=f"contact{n:05d}@example.test", password=password) for n in range(ORGANISATIONS)
    )
    agents = User.objects.bulk_create(
        User(email=f"agent{n:02d}@vendor.test", password=password, is_staff=True) for n in range(20)
    )
    supervisor = User.objects.create(
        email="supervisor@vendor.test", password=password, is_staff=True
    )
    Group.objects.get(name=StaffRole.SUPERVISOR.label_en).user_set.add(supervisor)
    return {
        "release": release,
        "orgs": orgs,
        "sites": sites,
        "customers": customers,
        "agents": agents,
        "policy": PolicyVersion.objects.get(name="CONNECT SLP 1"),
        "calendar": Calendar.objects.get(name="Worldwide"),
    }


def add_cases(world: dict, count: int, *, first: int, due: bool, rng: random.Random) -> None:
    """Bulk-create `count` open cases and their receipt events; `due` ones breach by NOW."""
    from cases.models import Case, CaseEvent, EventKind

    for start in range(0, count, BATCH):
        rows = [
            _case(world, first + start + n, due=due, rng=rng)
            for n in range(min(BATCH, count - start))
        ]
        cases = Case.objects.bulk_create(rows)
        CaseEvent.objects.bulk_create(
            CaseEvent(
                case_id=case.pk,
                at=case.received_at,
                actor_id=case.reporter_id,
                kind=EventKind.RECEIVED,
                new_value=case.proposed_priority,
                data={"channel": "portal", "by_staff": False},
            )
            for case in cases
        )


def _case(world: dict, n: int, *, due: bool, rng: random.Random):
    """Return one unsaved case: not due (next instants ahead) or a P1 past its response due."""
    from cases.models import Case

    # Due cases are all in Chicago, where support is open at NOW.
    k = rng.randrange(1, ORGANISATIONS, len(ZONES)) if due else rng.randrange(ORGANISATIONS)
    site = world["sites"][k]
    # Ids rather than objects: 100,000 rows build noticeably faster without the descriptors.
    fields = {
        "number": f"C-{n:06d}",
        "channel": "portal",
        "organization_id": world["orgs"][k].pk,
        "site_id": site.pk,
        "release_id": world["release"].pk,
        "reporter_id": world["customers"][k].pk,
        "contact_id": world["customers"][k].pk,
        "title": f"Bench case {n}",
        "description": "Generated for the sweep benchmark.",
        "proposed_priority": "P1" if due else rng.choice(["P1", "P2", "P3", "P4"]),
        "policy_version_id": world["policy"].pk,
        "calendar_id": world["calendar"].pk,
        "assignee_id": rng.choice(world["agents"]).pk if due or rng.random() < 0.7 else None,
    }
    if due:
        return Case(**fields, **_due_clocks(world, k, rng))
    ahead = timedelta(minutes=rng.randint(1, 14 * 24 * 60))
    return Case(
        **fields,
        received_at=NOW - timedelta(minutes=rng.randint(0, 3 * 24 * 60)),
        response_due_at=NOW + ahead * 2,
        sla_next_warn_at=NOW + ahead,
        sla_next_due_at=NOW + ahead * 2,
        next_update_due_at=NOW + ahead if rng.random() < 0.3 else None,
    )


def _due_clocks(world: dict, k: int, rng: random.Random) -> dict:
    """Return the clock columns of a P1 case received that morning, its response past due."""
    from sla.services.calendars import support_calendar_from

    engine = support_calendar_from(world["calendar"], time_zone=world["sites"][k].time_zone)
    # Received between 08:00 and 09:00 in Chicago: the 150-minute response fell due by 11:30.
    received = NOW - timedelta(minutes=rng.randint(151, 211))
    due = engine.add(received, 150)
    return {
        "received_at": received,
        "response_due_at": due,
        "sla_next_warn_at": engine.add(received, 113),
        "sla_next_due_at": due,
    }


def measure(label: str, *, repeats: int = 1) -> None:
    """Run the sweep as of NOW `repeats` times; print median seconds, queries and results.

    Queries are counted twice: by CaptureQueriesContext on the first run, and by a cheap
    execute_wrapper on the timed runs (the context keeps at most 9,000 queries and, on SQLite,
    quotes each logged statement with an extra query, which would distort the timing).
    """
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from cases.models import Case
    from cases.services.sweep import sla_sweep

    counted = [0]

    def count(execute, sql, params, many, context):
        counted[0] += 1
        return execute(sql, params, many, context)

    wall, cpu, captured, result = [], [], None, None
    for run in range(repeats):
        counted[0] = 0
        with connection.execute_wrapper(count):
            started, started_cpu = time.perf_counter(), time.process_time()
            if run == 0 and repeats > 1:
                with CaptureQueriesContext(connection) as captured:
                    result = sla_sweep(now=NOW)
            else:
                result = sla_sweep(now=NOW)
            wall.append(time.perf_counter() - started)
            cpu.append(time.process_time() - started_cpu)
    captured_text = f"{len(captured):>3}" if captured is not None else "  -"
    print(
        f"{label:<30} open={Case.objects.open().count():>7,}  "
        f"wall={statistics.median(wall):6.3f}s  cpu={statistics.median(cpu):6.3f}s  "
        f"queries={counted[0]:>6,} (captured {captured_text})  {result.summary()}"
    )


def main() -> None:
    rng = random.Random(SEED)
    with tempfile.TemporaryDirectory(prefix="bench-sweep-") as tmp:
        database = setup_django(Path(tmp))
        print(f"database: {database}; sweep as of {NOW.isoformat()}")
        world = build_world()
        started = time.perf_counter()
        add_cases(world, 10_000, first=1, due=False, rng=rng)
        measure("nothing due (10,000 open)", repeats=5)
        add_cases(world, 90_000, first=10_001, due=False, rng=rng)
        _analyze()
        print(f"  (built 100,000 open cases in {time.perf_counter() - started:.1f} s)")
        measure("nothing due (100,000 open)", repeats=5)
        _explain()
        add_cases(world, 1_000, first=100_001, due=True, rng=rng)
        measure("1,000 due (+100,000 not due)")
        measure("again: all raised already", repeats=5)


def _analyze() -> None:
    """Refresh the planner's statistics after the bulk load, as autovacuum would in time."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _explain() -> None:
    """Print how the database finds due cases: it must be an index range scan."""
    from django.db.models import Q

    from cases.models import Case

    plan = Case.objects.filter(Q(sla_next_due_at__lte=NOW)).order_by("sla_next_due_at", "pk")
    lines = plan.only("pk", "sla_next_due_at")[:500].explain().splitlines()
    print("  plan of the due query: " + " | ".join(line.strip() for line in lines))


if __name__ == "__main__":
    main()
