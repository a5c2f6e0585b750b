"""Run the web server, a Celery worker and beat together for the demo, quietly.

The terminal shows the banner (URL and logins) once the server and the worker answer, then one
summary line a minute (demo_summary) and whatever goes wrong: the worker and beat log at
WARNING, and the web server's start-up chatter and successful requests are left out.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import IO

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import DatabaseError
from django.db.models import Count
from django.utils import timezone
from kombu.exceptions import OperationalError

from cases.models import Case, CaseEvent, EventKind
from contracts.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET, demo_login_rows
from mail.models import OutboxMessage
from mail.services.history import HISTORY_HEADER
from portal.celery import app as celery_app
from portal.models import Brand

# How long the banner waits for the web server and the worker to start.
STARTUP_TIMEOUT = 30.0
SUMMARY_EVERY = timedelta(minutes=1)
# A request the development server answered with 1xx-3xx: its access log line, which is noise.
_ANSWERED = re.compile(r'^\[[^\]]*\] "[^"]*" [1-3]\d\d ')
_SWEEP_KINDS = {
    "warnings": EventKind.SLA_WARNING,
    "breaches": EventKind.SLA_BREACH,
    "reminders": EventKind.UPDATE_REMINDER,
}


def demo_summary(*, since: datetime, now: datetime | None = None) -> str:
    """Return one line of what the demo did after `since` and up to `now`.

    Emails sent and failed count the deliveries of that window (the seeded history, recorded
    as sent, is left out); pending is what waits now, held messages included. The sweep
    figures count the SLA events raised in the window; open cases count now.
    """
    now = now or timezone.now()
    outbox = OutboxMessage.objects.all()
    sent = (
        outbox.filter(state=OutboxMessage.State.SENT, sent_at__gt=since, sent_at__lte=now)
        .exclude(headers__has_key=HISTORY_HEADER)
        .count()
    )
    # A failure leaves no timestamp of its own; its attempt began at the claim.
    failed = outbox.filter(
        state=OutboxMessage.State.FAILED, claimed_at__gt=since, claimed_at__lte=now
    ).count()
    pending = outbox.filter(state=OutboxMessage.State.PENDING).count()
    raised = dict(
        CaseEvent.objects.filter(at__gt=since, at__lte=now, kind__in=_SWEEP_KINDS.values())
        .values_list("kind")
        .annotate(count=Count("id"))
        .order_by()
    )
    sweep = " ".join(f"{name}={raised.get(kind, 0)}" for name, kind in _SWEEP_KINDS.items())
    return (
        f"{timezone.localtime(now, timezone.get_default_timezone()):%H:%M} emails sent={sent} failed={failed} pending={pending}"
        f" | sweep: {sweep} | cases open={Case.objects.open().count()}"
    )


class Command(BaseCommand):
    help = "Serve the portal on 127.0.0.1:8000 with a Celery worker and beat; Ctrl-C stops all."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--addr", default="127.0.0.1:8000")

    def handle(self, *args, addr: str, **options) -> None:
        processes = _start(addr, log_to=self.stderr)
        stopping: list[int] = []
        # Installed explicitly: a shell may start us with SIGINT ignored, and a
        # supervisor stops us with SIGTERM; both must stop the whole demo.
        previous = {
            signum: signal.signal(signum, lambda received, _frame: stopping.append(received))
            for signum in (signal.SIGINT, signal.SIGTERM)
        }

        def running() -> bool:
            return not stopping and all(p.poll() is None for p in processes)

        try:
            _wait_until_ready(addr, running)
            if running():
                self._print_banner(addr)
            self._summarise_every_minute(running)
        finally:
            for process in processes:
                if process.poll() is None:
                    process.terminate()
            for process in processes:
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    process.kill()
            for signum, handler in previous.items():
                signal.signal(signum, handler)
        self.stdout.write("demo stopped")

    def _summarise_every_minute(self, running: Callable[[], bool]) -> None:
        since = timezone.now()
        # On the minute, so the line stamped 12:04 covers 12:03 to 12:04.
        due = since.replace(second=0, microsecond=0) + SUMMARY_EVERY
        while running():
            time.sleep(0.5)
            now = timezone.now()
            if now < due:
                continue
            try:
                self.stdout.write(demo_summary(since=since, now=now))
            except DatabaseError as exc:  # a long lock (seed_demo run again) skips one line
                self.stderr.write(f"{timezone.localtime(now):%H:%M} summary skipped: {exc}")
            since = now
            while due <= now:
                due += SUMMARY_EVERY

    def _print_banner(self, addr: str) -> None:
        out = self.stdout.write
        out("")
        out(self.style.SUCCESS(f"CONNECT Portal demo: http://{addr}/"))
        out(f"  login page:  http://{addr}/accounts/login/")
        out(f"  staff admin: http://{addr}/admin/")
        for name, url in branded_urls(addr):
            out(f"  {name}, a partner's branded portal: {url}")
        out(f"  password for every login: {DEMO_PASSWORD}")
        for email, organization, role in demo_login_rows():
            out(f"    {email:<30} {organization}: {role}")
        out("  try first: distributor@demo.test (a partner's admin), then agent@demo.test (staff)")
        out(f"  staff TOTP code: run `DEBUG=true {_python()} manage.py totp` in another terminal")
        out(f"    (or add the secret {DEMO_TOTP_SECRET} to an authenticator app)")
        out(f"  emails are written to {settings.VAR_DIR / 'mail'}/ and listed in the admin outbox")
        out("  (the seeded history's emails are listed there as recorded, not sent)")
        out("  below: one summary a minute, and any warning or error")
        out("  Ctrl-C stops the server, the worker and beat.")
        out("")


def _python() -> str:
    """Return this Python as a command to type here: relative when under this directory."""
    try:
        path = os.path.relpath(sys.executable)
    except ValueError:  # another drive, on Windows
        return sys.executable
    return sys.executable if path.startswith("..") else path


def branded_urls(addr: str) -> list[tuple[str, str]]:
    """Return (brand name, URL) of each brand whose host reaches this server, *.localhost."""
    port = addr.rpartition(":")[2]
    brands = Brand.objects.filter(host__iendswith=".localhost").order_by("host")
    return [(brand.display_name, f"http://{brand.host}:{port}/") for brand in brands]


def _start(addr: str, *, log_to: IO[str]) -> list[subprocess.Popen]:
    """Start the web server and a worker with embedded beat; return both processes."""
    python = sys.executable
    server = subprocess.Popen(
        [python, "manage.py", "runserver", addr, "--noreload"],
        # Its stdout is start-up chatter; check warnings, errors and tracebacks go to stderr.
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    threading.Thread(target=_forward_problems, args=(server.stderr, log_to), daemon=True).start()
    worker = subprocess.Popen(
        [
            python,
            "-m",
            "celery",
            "-A",
            "portal",
            "--quiet",  # no start-up banner
            "worker",
            "--beat",
            "--concurrency",
            "1",
            # Beat runs inside the worker and logs through it: its INFO lines go too.
            "--loglevel",
            "WARNING",
            "--schedule",
            str(settings.VAR_DIR / "celerybeat-schedule"),
        ]
    )
    return [server, worker]


def _forward_problems(stream: IO[str], out: IO[str]) -> None:
    """Copy the web server's stderr, less the access lines of answered requests."""
    for line in stream:
        if not _ANSWERED.match(line):
            out.write(line if line.endswith("\n") else f"{line}\n")
            out.flush()


def _wait_until_ready(addr: str, running: Callable[[], bool]) -> None:
    """Wait until the web server accepts connections and the worker answers a ping.

    Gives up after STARTUP_TIMEOUT, or as soon as a process has stopped, so the banner comes
    after whatever the processes print while they start.
    """
    deadline = time.monotonic() + STARTUP_TIMEOUT
    host, _colon, port = addr.rpartition(":")
    if not port.isdigit():
        return  # runserver refuses it and exits: the demo stops with its error
    # A wildcard address (0.0.0.0, ::) is reached through the loopback when connected to.
    host = host.strip("[]") or "127.0.0.1"
    while running() and time.monotonic() < deadline:
        try:
            with socket.create_connection((host, int(port)), timeout=1):
                break
        except OSError:
            time.sleep(0.2)
    while running() and time.monotonic() < deadline:
        try:
            if celery_app.control.ping(timeout=1):
                return
        except OperationalError:
            return  # no broker: the worker says so itself
