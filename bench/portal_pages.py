"""Benchmark the portal pages at 1,000, 10,000 and 100,000 visible cases (issue 15, item 8).

Run:
    .venv/bin/python bench/portal_pages.py                       # both databases, all scales
    .venv/bin/python bench/portal_pages.py --scales 1000,10000   # fewer scales
    .venv/bin/python bench/portal_pages.py --sql                 # also print each page's SQL
    .venv/bin/python bench/portal_pages.py --reuse               # keep and reuse seeded worlds
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/other_bench .venv/bin/python ...

Each database and scale gets a database and a process of its own: PostgreSQL
(BENCH_DATABASE_URL, default DEFAULT_URL below, with the scale appended to its name:
connect_bench_portal_10k; recreated only when the name contains "bench", then migrated) and
a SQLite file (temporary; with --reuse, kept in the temporary directory under the same name).
With --reuse, a database already holding this scale's world is migrated (new migrations, such
as indexes, apply) and measured without seeding it again.

The world (bench/_portal_world.py, built on bench/_staff_world.py): the staff benchmark's
tenants, 2,000 customer users and staff, and 2 N cases with their timelines (~3 comments
each) and stored clock columns, as the services and the sweep leave them. About N of them
(the scale) are visible to the measured person, the administrator of the distributor
Northwind, filed for its end customers; the other N belong to the other tenants.

Logged in through django.test.Client with DEBUG off (cached templates, the manifest static
storage, every middleware), she opens the case list (/cases/, its default: open cases, newest
first, page 1), the dashboard (/), and the case page of an open case with 3 public comments
and of one with 6. For each: 5 requests to warm up, then the median and 95th percentile of 30
(wall time; the pages taken in turn, one request each, 30 times), and the queries of one more
request. The load average is printed with the table, the targets at 10,000 cases and the
growth from 10,000 to 100,000 (ratio of medians) beside the figures. Prints figures; it is not
a test and asserts nothing.
"""

from __future__ import annotations

import json
import os
import random
import re
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))

# The helpers the staff benchmark measures with: same warm-up, turns, counting and table.
from staff_pages import (
    _counted,
    _reachable,
    _timed,
    _warm,
    summary_print,
)

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/connect_bench_portal"
SCALES = (1_000, 10_000, 100_000)
SEED = 20260715
# At 10,000 visible cases: median ms on SQLite, on PostgreSQL, and queries (None: no target).
TARGETS = {
    "case list": (20, 28, 8),
    "dashboard": (30, 40, 10),
    "case, 3 comments": (10, 15, None),
    "case, 6 comments": (10, 15, None),
}
CASE_LINK = re.compile(rb'href="/cases/(C-\d+)/')


def main() -> None:
    if sys.argv[1:2] == ["--run"]:
        run()
        return
    scales, show_sql, reuse = _arguments(sys.argv[1:])
    url = os.environ.get("BENCH_DATABASE_URL") or DEFAULT_URL
    databases = [url, ""] if _reachable(url) else [""]
    with tempfile.TemporaryDirectory(prefix="bench-portal-results-") as tmp:
        results = Path(tmp) / "results.jsonl"
        for database_url in databases:
            for scale in scales:
                env = {
                    **os.environ,
                    "BENCH_DATABASE_URL": _scaled(database_url, scale),
                    "BENCH_SCALE": str(scale),
                    "BENCH_RESULTS": str(results),
                    "BENCH_SQL": "1" if show_sql else "",
                    "BENCH_REUSE": "1" if reuse else "",
                }
                # Django is set up once per process: each database and scale gets its own.
                subprocess.run([sys.executable, __file__, "--run"], env=env, check=True)
        rows = [json.loads(line) for line in results.read_text().splitlines()]
    summary_print(
        rows,
        title="Portal pages",
        seeded_label="Visible cases (half of those seeded). Seeding or reuse",
        targets=TARGETS,
    )


def _arguments(args: list[str]) -> tuple[tuple[int, ...], bool, bool]:
    """Return the scales, whether to print SQL and whether to reuse worlds; refuse the rest."""
    scales, show_sql, reuse = SCALES, False, False
    rest = list(args)
    while rest:
        arg = rest.pop(0)
        if arg == "--sql":
            show_sql = True
        elif arg == "--reuse":
            reuse = True
        elif arg == "--scales" and rest:
            try:
                scales = tuple(int(part) for part in rest.pop(0).split(","))
            except ValueError:
                raise SystemExit(
                    "--scales takes case counts separated by commas: 1000,10000"
                ) from None
            if not scales or min(scales) < 100:
                raise SystemExit("--scales: each scale is at least 100 cases")
        else:
            raise SystemExit(f"unknown argument {arg!r}; see the module docstring")
    return scales, show_sql, reuse


def _label(scale: int) -> str:
    return f"{scale // 1000}k" if scale % 1000 == 0 else str(scale)


def _scaled(url: str, scale: int) -> str:
    """Return the PostgreSQL URL of this scale's database (name_10k), or "" for SQLite."""
    if not url:
        return ""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"{parts.path}_{_label(scale)}"))


# --- one process: a database, its world, the measures -------------------------------------


def run() -> None:
    """Build (or reuse) the world of BENCH_SCALE visible cases, then measure the pages."""
    # Production settings, but answering django.test.Client's host over plain HTTP.
    os.environ.update(ALLOWED_HOSTS="testserver", SECURE_SSL_REDIRECT="false")
    scale = int(os.environ["BENCH_SCALE"])
    reuse = bool(os.environ.get("BENCH_REUSE"))
    with tempfile.TemporaryDirectory(prefix="bench-portal-pages-") as tmp:
        url = os.environ.get("BENCH_DATABASE_URL", "")
        if not url:
            folder = Path(tempfile.gettempdir()) if reuse else Path(tmp)
            url = f"sqlite:///{folder / f'connect_bench_portal_{_label(scale)}.sqlite3'}"
        seeded = reuse and _seeded(url, 2 * scale)
        if not seeded:
            _fresh(url)
        database = _setup_django(url, Path(tmp))
        import _portal_world
        from django.core.management import call_command
        from django.db import connection
        from django.utils import timezone

        from contracts.models import User

        call_command("collectstatic", interactive=False, verbosity=0)
        started = time.perf_counter()
        if seeded:
            admin = User.objects.get(email=_portal_world.ADMIN_EMAIL)
            how = "reused"
        else:
            rng = random.Random(SEED)
            world = _portal_world.world_build(rng, now=timezone.now().replace(microsecond=0))
            _portal_world.cases_seed(world, 2 * scale, rng)
            admin = world.admin
            how = "seeded"
        _analyze()
        seconds = time.perf_counter() - started
        print(f"{database}: {_describe(admin)}, {how} in {seconds:.1f} s")
        base = {"vendor": connection.vendor, "scale": scale, "seeded_s": round(seconds, 1)}
        with Path(os.environ["BENCH_RESULTS"]).open("a") as out:
            for row in measure(admin):
                out.write(json.dumps({**base, **row}) + "\n")


def _seeded(url: str, cases: int) -> bool:
    """Tell whether the database already holds a world of this many cases and its admin."""
    from _portal_world import ADMIN_EMAIL

    sql_cases = "SELECT count(*) FROM cases_case"
    sql_admin = "SELECT count(*) FROM contracts_user WHERE email = %s"
    try:
        if url.startswith("sqlite:///"):
            path = Path(url.removeprefix("sqlite:///"))
            if not path.exists():
                return False
            with sqlite3.connect(path) as conn:
                found = conn.execute(sql_cases).fetchone()[0]
                admins = conn.execute(sql_admin.replace("%s", "?"), [ADMIN_EMAIL]).fetchone()[0]
        else:
            import psycopg

            with psycopg.connect(url, connect_timeout=3) as conn:
                found = conn.execute(sql_cases).fetchone()[0]
                admins = conn.execute(sql_admin, [ADMIN_EMAIL]).fetchone()[0]
    except Exception:  # no such database, file or table: not seeded
        return False
    return found == cases and admins == 1


def _fresh(url: str) -> None:
    """Empty the bench database: drop and create it (PostgreSQL) or remove the file."""
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
        return
    from sla_sweep import _fresh_postgres

    _fresh_postgres(url)


def _setup_django(url: str, tmp: Path) -> str:
    """Point Django at the bench database, migrate it, and return its description."""
    from sla_sweep import ROOT

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


def _analyze() -> None:
    """Refresh the planner's statistics (and PostgreSQL's visibility map), as autovacuum would."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def _describe(admin) -> str:
    from cases.models import OPEN_STATUSES, Case, CaseEvent

    visible = Case.objects.visible_to(admin)
    return (
        f"{Case.objects.count():,} cases, {CaseEvent.objects.count():,} events; "
        f"{admin.email} sees {visible.count():,} ({visible.filter(status__in=OPEN_STATUSES).count():,}"
        " open)"
    )


def pages(admin) -> dict[str, str]:
    """Return the pages measured: the case list, the dashboard, two case pages."""
    from django.db.models import Count, Q

    from cases.models import OPEN_STATUSES, Case

    urls = {"case list": "/cases/", "dashboard": "/"}
    open_cases = (
        Case.objects.visible_to(admin)
        .filter(status__in=OPEN_STATUSES)
        .annotate(comments=Count("events", filter=Q(events__kind="comment", events__public=True)))
        .order_by("-received_at")
    )
    for comments in (3, 6):
        case = open_cases.filter(comments=comments).first()
        if case is not None:
            urls[f"case, {comments} comments"] = f"/cases/{case.number}/"
        else:
            print(f"  no open case with {comments} public comments at this scale")
    return urls


def measure(admin) -> list[dict]:
    """Render each page 30 times after warming up; print and return median, p95 and queries."""
    from django.test import Client

    client = Client()
    client.force_login(admin)
    urls, rows, failed = pages(admin), [], set()
    for page, url in urls.items():
        try:
            _warm(client, url)
        # A failing page is reported and the others still measured.
        except Exception as exc:
            print(f"  {page:<18} {url}: failed: {type(exc).__name__}: {exc}")
            rows.append({"page": page, "url": url, "error": f"{type(exc).__name__}: {exc}"})
            failed.add(page)
    measured = {page: url for page, url in urls.items() if page not in failed}
    walls = _timed(client, measured)
    for page, url in measured.items():
        queries, response = _counted(client, url)
        wall = walls[page]
        row = {
            "page": page,
            "url": url,
            "median": round(statistics.median(wall), 1),
            "p95": round(statistics.quantiles(wall, n=20)[-1], 1),
            "queries": len(queries),
            "status": response.status_code,
            "rows": len(set(CASE_LINK.findall(response.content))),
            "kb": round(len(response.content) / 1024),
        }
        print(
            f"  {page:<18} median {row['median']:6.1f} ms  p95 {row['p95']:6.1f} ms  "
            f"{row['queries']:>3} queries  HTTP {row['status']}  {row['kb']} KB  "
            f"{row['rows']} case links  {url}"
        )
        if os.environ.get("BENCH_SQL"):
            for query in queries:
                print(f"      {float(query['time']) * 1000:7.2f} ms  {query['sql'][:400]}")
        rows.append(row)
    return rows


# --- the table ------------------------------------------------------------------------------


if __name__ == "__main__":
    main()
