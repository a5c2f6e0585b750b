"""Benchmark opening a case through `case_open` on SQLite or PostgreSQL (issue 5, item 9).

Run:
    .venv/bin/python bench/case_open.py            # SQLite, a fresh temporary file
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/connect_bench \
        .venv/bin/python bench/case_open.py        # PostgreSQL (recreated, see sla_sweep.py)

Opens 5 cases to warm up, then 200 more, one at a time as the portal would: eligibility,
numbering, policy version, calendar, the RECEIVED event, both clocks and the receipt email to
the outbox. Prints the median, 90th percentile and worst time per case, in wall and CPU time,
and the queries per case. Target: median under 50 ms. Not a test; asserts nothing.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

# The bench folder is not a package: its sibling module is imported by path.
from sla_sweep import setup_django

WARM_UP = 5
CASES = 200


def build_world() -> dict:
    """Create one covered customer: organisation, Chicago site, contract, contact, releases."""
    from django.utils import timezone

    from contracts.models import Contract, Membership, Organization, Product, Release, Site, User

    today = timezone.localdate()
    product = Product.objects.create(name="CONNECT CAM", code="connect-cam")
    Release.objects.create(product=product, version="2025", release_date=today - timedelta(400))
    release = Release.objects.create(
        product=product, version="2026", release_date=today - timedelta(40)
    )
    acme = Organization.objects.create(name="Acme", kind="direct_customer", country="US")
    site = Site.objects.create(
        organization=acme,
        name="Acme Chicago",
        code="ACME-CHI",
        country="US",
        time_zone="America/Chicago",
    )
    contract = Contract.objects.create(
        reference="ACME-001",
        holder=acme,
        start_date=today - timedelta(30),
        end_date=today + timedelta(334),
    )
    contract.sites.add(site)
    reporter = User.objects.create(email="admin@acme.test", password="!", full_name="Ada Admin")
    Membership.objects.create(
        user=reporter, organization=acme, role="admin", is_technical_contact=True
    )
    return {"organization": acme, "site": site, "release": release, "reporter": reporter}


def open_one(world: dict, n: int) -> None:
    from cases.services import case_open

    case_open(
        reporter=world["reporter"],
        organization=world["organization"],
        site=world["site"],
        release=world["release"],
        title=f"Post-processor stops at line 200 ({n})",
        description="Posting any toolpath for the Haas VF-2 stops after 200 lines.",
        environment="Windows 11, CONNECT CAM 2026.1",
        proposed_priority=("P1", "P2", "P3", "P4")[n % 4],
        channel="portal",
    )


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="bench-case-open-") as tmp:
        database = setup_django(Path(tmp))
        from django.db import connection

        world = build_world()
        for n in range(WARM_UP):
            open_one(world, n)
        counted = [0]

        def count(execute, sql, params, many, context):
            counted[0] += 1
            return execute(sql, params, many, context)

        wall, cpu = [], []
        with connection.execute_wrapper(count):
            for n in range(CASES):
                started, started_cpu = time.perf_counter(), time.process_time()
                open_one(world, WARM_UP + n)
                wall.append((time.perf_counter() - started) * 1000)
                cpu.append((time.process_time() - started_cpu) * 1000)
        print(f"database: {database}; {CASES} cases opened after {WARM_UP} to warm up")
        for label, values in (("wall", wall), ("cpu", cpu)):
            ordered = sorted(values)
            print(
                f"  {label}: median={statistics.median(values):6.1f} ms  "
                f"p90={ordered[int(len(ordered) * 0.9)]:6.1f} ms  max={ordered[-1]:6.1f} ms"
            )
        print(f"  queries per case: {counted[0] / CASES:.1f}")


if __name__ == "__main__":
    main()
