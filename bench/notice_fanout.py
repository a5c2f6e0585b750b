"""Benchmark an update notice's fan-out to 50,000 recipients, and delivery to an SMTP sink.

Run with `.venv/bin/python bench/notice_fanout.py [RECIPIENTS]`. It builds a synthetic world
in a fresh temporary SQLite database (or in PostgreSQL: set BENCH_DATABASE_URL to a database
it may fill and empty), then:

1. publishes an urgent notice to every recipient and writes all the messages (target < 20 s);
2. compares the peak Python memory (tracemalloc) of a fan-out to 5,000 and to all recipients:
   it stays flat, as the audience streams from the database chunk by chunk;
3. delivers a sample of 2,000 messages through Django's SMTP backend to a local aiosmtpd sink
   in another process, with the outbox delivery function in one process (target >= 100/s).
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RECIPIENTS = int(sys.argv[1]) if len(sys.argv) > 1 else 50_000
SMALL = 5_000
DELIVERY_SAMPLE = 2_000
BATCH = 500


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def setup_django(tmp: Path, smtp_port: int) -> None:
    os.environ["DATABASE_URL"] = os.environ.get(
        "BENCH_DATABASE_URL", f"sqlite:///{tmp / 'bench.sqlite3'}"
    )
    # Not DEBUG: Django would keep every query's SQL in memory and spoil the memory figures.
    os.environ["DEBUG"] = "0"
    os.environ["SECRET_KEY"] = "bench-only-not-secret"
    os.environ["VAR_DIR"] = str(tmp / "var")
    os.environ["CACHE_URL"] = "locmem://"
    os.environ["EMAIL_URL"] = f"smtp://127.0.0.1:{smtp_port}"
    # Delivery batches queued by the fan-out wait in this in-process broker; nothing runs them.
    os.environ["CELERY_BROKER_URL"] = "memory://localhost/"
    os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    if "BENCH_DATABASE_URL" in os.environ:
        call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)


def build_world(recipients: int) -> dict:
    """Bulk-create, per 500 recipients, a partner and 499 customers with a site each.

    One customer in five is an end customer of the batch's partner: every partner serves
    about 100 sites, however large the world, as a real distributor would.
    """
    from contracts.models import Contract, Product, Release, Site, SiteRelease

    product = Product.objects.create(name="CONNECT CAM", code="connect-cam")
    today = dt.date.today()
    small = Release.objects.create(
        product=product, version="A", release_date=today - dt.timedelta(days=400)
    )
    big = Release.objects.create(
        product=product, version="B", release_date=today - dt.timedelta(days=30)
    )
    for batch, start in enumerate(range(0, recipients, BATCH)):
        _batch(batch, start, min(start + BATCH, recipients), small, big, today)
    return {
        "small": small,
        "big": big,
        "sites": Site.objects.count(),
        "contracts": Contract.objects.count(),
        "site_releases": SiteRelease.objects.count(),
    }


def _batch(batch: int, start: int, stop: int, small, big, today: dt.date) -> None:
    from contracts.models import Contract, Organization, Site, SiteRelease

    partner = Organization.objects.create(
        name=f"Partner {batch:04d}", kind="distributor", country="US"
    )
    customers = range(start + 1, stop)
    orgs = Organization.objects.bulk_create(
        Organization(
            name=f"Customer {n:06d}",
            kind="end_customer" if n % 5 == 0 else "direct_customer",
            partner=partner if n % 5 == 0 else None,
            country="FR" if n % 7 == 0 else "US",
            language="fr" if n % 7 == 0 else "en",
        )
        for n in customers
    )
    orgs = list(Organization.objects.filter(name__in=[o.name for o in orgs]).order_by("name"))
    Site.objects.bulk_create(
        Site(organization=org, name=f"{org.name} plant", code=f"S{n:06d}", country=org.country,
             time_zone="Europe/Paris" if org.country == "FR" else "America/Chicago")
        for n, org in zip(customers, orgs, strict=True)
    )  # fmt: skip
    sites = list(Site.objects.filter(organization__in=orgs).order_by("code"))
    Contract.objects.bulk_create(
        Contract(reference=f"CT-{n:06d}", holder=org, start_date=today - dt.timedelta(days=30),
                 end_date=today + dt.timedelta(days=335))
        for n, org in zip(customers, orgs, strict=True)
    )  # fmt: skip
    contracts = list(Contract.objects.filter(holder__in=orgs).order_by("reference"))
    Contract.sites.through.objects.bulk_create(
        Contract.sites.through(contract=contract, site=site)
        for contract, site in zip(contracts, sites, strict=True)
    )
    # Release A runs on the first SMALL recipients' sites: a 5,000-strong audience.
    runs = [SiteRelease(site=site, release=big, seats=5) for site in sites]
    runs += [SiteRelease(site=site, release=small, seats=2) for site in sites if stop <= SMALL]
    SiteRelease.objects.bulk_create(runs)
    _contacts(batch, customers, partner, orgs)


def _contacts(batch: int, customers: range, partner, orgs: list) -> None:
    """Give the partner, then each customer, one designated contact (ids in that order)."""
    from contracts.models import Membership, User

    emails = [f"partner{batch:04d}@bench.test"] + [f"contact{n:06d}@bench.test" for n in customers]
    languages = ["en"] + [org.language for org in orgs]
    User.objects.bulk_create(
        User(email=email, password="!", language=language)
        for email, language in zip(emails, languages, strict=True)
    )
    users = {user.email: user for user in User.objects.filter(email__in=emails)}
    Membership.objects.bulk_create(
        Membership(user=users[email], organization=org, role="admin", is_technical_contact=True)
        for email, org in zip(emails, [partner, *orgs], strict=True)
    )


def publish(release, title: str):
    from notices.services.publish import update_notice_create

    # Both releases are "supported" by the service's rules: A previous, B current.
    return update_notice_create(
        kind="urgent",
        releases=[release],
        title_en=title,
        title_fr=title,
        body_en="Install the hotfix on every workstation.",
        body_fr="Installez le correctif sur chaque poste.",
    )


def fan_out(notice, *, traced: bool):
    from notices.services.publish import update_notice_fanout_run

    if traced:
        tracemalloc.start()
    started = time.perf_counter()
    report = update_notice_fanout_run(notice=notice)
    seconds = time.perf_counter() - started
    peak = 0
    if traced:
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return report, seconds, peak


def deliver_sample(notice, sample: int) -> tuple[int, float]:
    from mail.models import OutboxMessage
    from mail.services.outbox import outbox_deliver_one

    ids = list(
        OutboxMessage.objects.filter(notice_delivery__notice=notice)
        .order_by("pk")
        .values_list("pk", flat=True)[:sample]
    )
    started = time.perf_counter()
    sent = sum(outbox_deliver_one(pk) == "sent" for pk in ids)
    return sent, time.perf_counter() - started


def start_sink(port: int) -> subprocess.Popen:
    """Run an aiosmtpd sink (accepts and discards) in its own process."""
    sink = subprocess.Popen(
        [sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{port}",
         "-c", "aiosmtpd.handlers.Sink"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    import socket

    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return sink
        except OSError:
            time.sleep(0.05)
    sink.kill()
    raise SystemExit("the aiosmtpd sink did not start")


def main() -> None:
    port = free_port()
    sink = start_sink(port)
    try:
        with tempfile.TemporaryDirectory(prefix="bench-notices-") as tmp:
            setup_django(Path(tmp), port)
            _run()
    finally:
        sink.terminate()
        sink.wait(timeout=10)


def _run() -> None:
    from django.db import connection

    started = time.perf_counter()
    world = build_world(RECIPIENTS)
    if connection.vendor == "postgresql":
        # Fresh statistics, as autovacuum keeps them on a live database.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(
        f"world ({connection.vendor}): recipients={RECIPIENTS:,} sites={world['sites']:,} "
        f"contracts={world['contracts']:,} built in {time.perf_counter() - started:.1f}s"
    )
    report, seconds, _peak = fan_out(publish(world["big"], "Timed fan-out"), traced=False)
    print(
        f"fan-out to all: recipients={report.recipients:,} queued={report.queued:,} "
        f"seconds={seconds:.2f} messages/s={report.queued / seconds:,.0f} (target < 20 s)"
    )
    small, _s, small_peak = fan_out(publish(world["small"], "Small traced"), traced=True)
    big_notice = publish(world["big"], "Big traced")
    big, _s, big_peak = fan_out(big_notice, traced=True)
    print(
        f"peak Python memory during fan-out: {small.recipients:,} recipients "
        f"{small_peak / 2**20:.1f} MiB, {big.recipients:,} recipients {big_peak / 2**20:.1f} MiB "
        f"(ratio {big_peak / small_peak:.2f} for {big.recipients / small.recipients:.0f}x "
        "the audience: flat)"
    )
    sent, seconds = deliver_sample(big_notice, DELIVERY_SAMPLE)
    print(
        f"delivery to the aiosmtpd sink, one process: sent={sent:,} seconds={seconds:.2f} "
        f"messages/s={sent / seconds:,.0f} (target >= 100/s)"
    )


if __name__ == "__main__":
    main()
