"""Benchmark the staff pages at 1,000, 10,000 and 100,000 cases (issue 14, item 4).

Run:
    .venv/bin/python bench/staff_pages.py                       # both databases, all scales
    .venv/bin/python bench/staff_pages.py --scales 1000,10000   # fewer scales
    .venv/bin/python bench/staff_pages.py --sql                 # also print each page's SQL
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/other_bench .venv/bin/python ...

Each database and scale gets a fresh database, a process that seeds it and one that measures
it (as a web worker would serve it, not the process that just wrote a million rows):
PostgreSQL (BENCH_DATABASE_URL, default DEFAULT_URL below, with the scale appended to its name:
connect_bench_staff_10k; recreated only when the name contains "bench", then migrated: see
sla_sweep.py) and a temporary SQLite file. The world (bench/_staff_world.py): several tenants,
2,000 customer users, staff in every support role, and the cases with ~3 comments each, their
timelines and stored clock columns as the services and the sweep leave them.

A support agent with an authenticator, logged in through django.test.Client with DEBUG off
(cached templates, the manifest static storage, every middleware), opens the staff queue
(default view, page 1), the case page of an open case with 3 comments and of one with 6, and
the staff home. For each: 5 requests to warm up, then the median and 95th percentile of 30
(wall time; the pages taken in turn, one request each, 30 times), and the queries of one more
request (CaptureQueriesContext). The load average is printed with the table. The targets at
10,000 cases and the growth from 10,000 to 100,000 (ratio of medians) are printed beside the
figures. Prints figures; it is not a test and asserts nothing.
"""

from __future__ import annotations

import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/connect_bench_staff"
SCALES = (1_000, 10_000, 100_000)
SEED = 20260714
WARM_UP = 5
REQUESTS = 30
# At 10,000 cases: median ms on SQLite, on PostgreSQL, and queries (None: no query target).
TARGETS = {
    "queue": (20, 28, 8),
    "case, 3 comments": (12, 18, 10),
    "case, 6 comments": (12, 18, 10),
    "staff home": (30, 40, None),
}
TARGET_SCALE = 10_000
GROWTH_MAX = 1.3
CASE_LINK = re.compile(rb"/admin/cases/case/(\d+)/change/")


def main() -> None:
    if sys.argv[1:2] == ["--seed"]:
        seed()
        return
    if sys.argv[1:2] == ["--measure"]:
        measure_run()
        return
    scales, show_sql = _arguments(sys.argv[1:])
    url = os.environ.get("BENCH_DATABASE_URL") or DEFAULT_URL
    databases = [url, ""] if _reachable(url) else [""]
    with tempfile.TemporaryDirectory(prefix="bench-staff-results-") as tmp:
        results = Path(tmp) / "results.jsonl"
        for database_url in databases:
            for scale in scales:
                with tempfile.TemporaryDirectory(prefix="bench-staff-pages-") as work:
                    env = {
                        **os.environ,
                        "BENCH_DATABASE_URL": _scaled(database_url, scale),
                        "BENCH_SCALE": str(scale),
                        "BENCH_RESULTS": str(results),
                        "BENCH_SQL": "1" if show_sql else "",
                        "BENCH_WORK": work,
                    }
                    # Django is set up once per process: each database and scale gets its own.
                    # The pages are measured in a process of their own, as a web worker that
                    # did not just write a million rows serves them: measured in the seeding
                    # process, they cost up to a quarter more at 100,000 cases (SQLite).
                    subprocess.run([sys.executable, __file__, "--seed"], env=env, check=True)
                    subprocess.run([sys.executable, __file__, "--measure"], env=env, check=True)
        rows = [json.loads(line) for line in results.read_text().splitlines()]
    summary_print(rows, title="Staff pages", seeded_label="Seeding", targets=TARGETS)


def _arguments(args: list[str]) -> tuple[tuple[int, ...], bool]:
    """Return the scales and whether to print SQL; refuse anything else."""
    scales, show_sql = SCALES, False
    rest = list(args)
    while rest:
        arg = rest.pop(0)
        if arg == "--sql":
            show_sql = True
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
    return scales, show_sql


def _scaled(url: str, scale: int) -> str:
    """Return the PostgreSQL URL of this scale's database (name_10k), or "" for SQLite."""
    if not url:
        return ""
    parts = urlsplit(url)
    label = f"{scale // 1000}k" if scale % 1000 == 0 else str(scale)
    return urlunsplit(parts._replace(path=f"{parts.path}_{label}"))


def _reachable(url: str) -> bool:
    """Tell whether the PostgreSQL server of the URL answers; say so loudly when not."""
    import psycopg

    admin_url = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    try:
        psycopg.connect(admin_url, connect_timeout=3).close()
    except psycopg.OperationalError as exc:
        print(f"PostgreSQL is not reachable at {admin_url}: {exc}".strip())
        print("Set BENCH_DATABASE_URL for the PostgreSQL figures. SQLite only:")
        return False
    return True


def seed() -> None:
    """Build the world of BENCH_SCALE cases in BENCH_DATABASE_URL (SQLite if empty) in BENCH_WORK."""
    # The bench folder is not a package: its sibling modules are imported by path.
    from sla_sweep import setup_django

    _serve_settings()
    scale, work = int(os.environ["BENCH_SCALE"]), Path(os.environ["BENCH_WORK"])
    database = setup_django(work)
    import _staff_world
    from django.core.management import call_command
    from django.utils import timezone

    call_command("collectstatic", interactive=False, verbosity=0)
    rng = random.Random(SEED)
    started = time.perf_counter()
    world = _staff_world.world_build(rng, now=timezone.now().replace(microsecond=0))
    _staff_world.cases_seed(world, scale, rng)
    _analyze()
    seconds = time.perf_counter() - started
    print(
        f"{database}: {scale:,} cases, {world.counts['events']:,} events, "
        f"{world.counts['open']:,} open, seeded in {seconds:.1f} s"
    )
    facts = {"agent": world.agent.pk, "seeded_s": round(seconds, 1)}
    (work / "world.json").write_text(json.dumps(facts))


def measure_run() -> None:
    """Measure the pages on the world seed() built in BENCH_WORK; append them to BENCH_RESULTS."""
    _serve_settings()
    scale, work = int(os.environ["BENCH_SCALE"]), Path(os.environ["BENCH_WORK"])
    # What sla_sweep.setup_django points Django at, without recreating the database.
    os.environ.update(
        DATABASE_URL=os.environ["BENCH_DATABASE_URL"] or f"sqlite:///{work / 'bench.sqlite3'}",
        DEBUG="0",
        SECRET_KEY="bench-only-not-secret",
        VAR_DIR=str(work / "var"),
        CACHE_URL="locmem://",
        EMAIL_URL="memory://",
        CELERY_BROKER_URL="memory://",
        LOG_LEVEL="WARNING",
        DJANGO_SETTINGS_MODULE="portal.settings",
    )
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import django

    django.setup()
    from django.db import connection

    from contracts.models import User

    facts = json.loads((work / "world.json").read_text())
    base = {"vendor": connection.vendor, "scale": scale, "seeded_s": facts["seeded_s"]}
    with Path(os.environ["BENCH_RESULTS"]).open("a") as out:
        for row in measure(User.objects.get(pk=facts["agent"])):
            out.write(json.dumps({**base, **row}) + "\n")


def _serve_settings() -> None:
    # Production settings, but answering django.test.Client's host over plain HTTP.
    os.environ.update(ALLOWED_HOSTS="testserver", SECURE_SSL_REDIRECT="false")


def _analyze() -> None:
    """Refresh the planner's statistics (and PostgreSQL's visibility map), as autovacuum would."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def pages() -> dict[str, str]:
    """Return the pages measured: the queue, two case pages, the staff home."""
    from django.db.models import Count, Q

    from cases.models import OPEN_STATUSES, Case

    urls = {"queue": "/admin/cases/case/"}
    open_cases = (
        Case.objects.filter(status__in=OPEN_STATUSES, assignee__isnull=False)
        .annotate(comments=Count("events", filter=Q(events__kind="comment")))
        .order_by("-received_at")
    )
    for comments in (3, 6):
        case = open_cases.filter(comments=comments).first()
        if case is not None:
            urls[f"case, {comments} comments"] = f"/admin/cases/case/{case.pk}/change/"
        else:
            print(f"  no open case with {comments} comments at this scale")
    urls["staff home"] = "/admin/"
    return urls


def measure(agent) -> list[dict]:
    """Render each page 30 times after warming up; print and return median, p95 and queries."""
    from django.test import Client

    client = Client()
    client.force_login(agent)
    urls, rows, failed = pages(), [], set()
    for page, url in urls.items():
        try:
            _warm(client, url)
        # The pages are being rebuilt: a failing one is reported and the others still measured.
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
                print(f"      {query['sql'][:300]}")
        rows.append(row)
    return rows


def _warm(client, url: str) -> None:
    """Request the page 5 times (caches, engines); refuse anything but a 200."""
    for _ in range(WARM_UP):
        response = client.get(url)
    if response.status_code != 200:
        location = response.headers.get("Location", "")
        raise RuntimeError(f"HTTP {response.status_code} {location}".strip())


def _timed(client, urls: dict[str, str]) -> dict[str, list[float]]:
    """Return the wall times (ms) of 30 requests of each page, the pages taken in turn.

    In turn, not 30 of one page then 30 of the next: on a shared machine a burst of load
    then spreads over every page instead of landing on one.
    """
    wall: dict[str, list[float]] = {page: [] for page in urls}
    for _ in range(REQUESTS):
        for page, url in urls.items():
            started = time.perf_counter()
            client.get(url)
            wall[page].append((time.perf_counter() - started) * 1000)
    return wall


def _counted(client, url: str) -> tuple[list[dict], object]:
    """Return the queries of one more request, and its response."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    # Counted apart from the timed requests, so counting costs them nothing.
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    return captured.captured_queries, response


def summary_print(rows: list[dict], *, title: str, seeded_label: str, targets: dict) -> None:
    """Print one table: each page and scale on both databases, targets and growth beside.

    Shared by bench/portal_pages.py: `targets` maps each page to its (SQLite ms, PostgreSQL
    ms, queries or None) at TARGET_SCALE cases.
    """
    vendors = [v for v in ("sqlite", "postgresql") if any(r["vendor"] == v for r in rows)]
    figures = {(r["vendor"], r["scale"], r["page"]): r for r in rows}
    scales = sorted({r["scale"] for r in rows})
    seeded = ", ".join(
        f"{v} {s:,}: {next(r['seeded_s'] for r in rows if (r['vendor'], r['scale']) == (v, s))} s"
        for v in vendors
        for s in scales
    )
    print(f"\n{title}: median / p95 ms, queries; {REQUESTS} requests after {WARM_UP}")
    print(f"{seeded_label}: {seeded}")
    # The figures are wall times: on a shared machine, say how busy it was.
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    print(f"Load average at the end (1, 5, 15 min): {load} on {os.cpu_count()} CPUs")
    header = "".join(f" | {v:<26}" for v in vendors)
    print(f"{'page':<18} {'cases':>8}{header} | target")
    for page in targets:
        for scale in scales:
            cells = "".join(f" | {_cell(figures.get((v, scale, page))):<26}" for v in vendors)
            note = _note(figures, vendors, page, scale, targets[page])
            print(f"{page:<18} {scale:>8,}{cells} | {note}")


def _cell(row: dict | None) -> str:
    if row is None:
        return "-"
    if "error" in row:
        return "failed"
    return f"{row['median']:6.1f} / {row['p95']:6.1f}  {row['queries']:>3} q"


def _note(figures: dict, vendors: list[str], page: str, scale: int, target: tuple) -> str:
    """Return the target at 10,000 cases, or the growth to 100,000, with each verdict."""
    sqlite_ms, pg_ms, queries = target
    limits = {"sqlite": sqlite_ms, "postgresql": pg_ms}
    if scale == TARGET_SCALE:
        parts = []
        for vendor in vendors:
            row = figures.get((vendor, scale, page))
            ok = row is not None and "error" not in row and row["median"] <= limits[vendor]
            if ok and queries is not None:
                ok = row["queries"] <= queries
            parts.append(f"{vendor} {'ok' if ok else 'OVER'}")
        wanted = f"<= {sqlite_ms} ms SQLite, <= {pg_ms} ms PostgreSQL"
        wanted += f", <= {queries} q" if queries is not None else ""
        return f"{wanted}: {', '.join(parts)}"
    if scale > TARGET_SCALE:
        parts = []
        for vendor in vendors:
            base, row = (
                figures.get((vendor, TARGET_SCALE, page)),
                figures.get((vendor, scale, page)),
            )
            if base is None or row is None or "error" in base or "error" in row:
                parts.append(f"{vendor} -")
                continue
            ratio = row["median"] / base["median"]
            parts.append(f"{vendor} x{ratio:.2f} {'ok' if ratio <= GROWTH_MAX else 'OVER'}")
        return f"growth from {TARGET_SCALE:,} <= x{GROWTH_MAX}: {', '.join(parts)}"
    return ""


if __name__ == "__main__":
    main()
