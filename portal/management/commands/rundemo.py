"""Run the web server, a Celery worker and beat together for the demo."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand

from contracts.demo import DEMO_LOGINS, DEMO_PASSWORD, DEMO_TOTP_SECRET


class Command(BaseCommand):
    help = "Serve the portal on 127.0.0.1:8000 with a Celery worker and beat; Ctrl-C stops all."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--addr", default="127.0.0.1:8000")

    def handle(self, *args, addr: str, **options) -> None:
        python = sys.executable
        processes = [
            subprocess.Popen([python, "manage.py", "runserver", addr, "--noreload"]),
            subprocess.Popen(
                [
                    python,
                    "-m",
                    "celery",
                    "-A",
                    "portal",
                    "worker",
                    "--beat",
                    "--concurrency",
                    "1",
                    "--loglevel",
                    "INFO",
                    "--schedule",
                    str(settings.VAR_DIR / "celerybeat-schedule"),
                ]
            ),
        ]
        self._print_banner(addr)
        stopping: list[int] = []
        # Installed explicitly: a shell may start us with SIGINT ignored, and a
        # supervisor stops us with SIGTERM; both must stop the whole demo.
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda received, _frame: stopping.append(received))
        try:
            while not stopping and all(p.poll() is None for p in processes):
                time.sleep(0.5)
        finally:
            for process in processes:
                if process.poll() is None:
                    process.terminate()
            for process in processes:
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    process.kill()
        self.stdout.write("demo stopped")

    def _print_banner(self, addr: str) -> None:
        out = self.stdout.write
        out("")
        out(self.style.SUCCESS(f"CONNECT Portal demo: http://{addr}/"))
        out(f"  login page:  http://{addr}/accounts/login/")
        out(f"  staff admin: http://{addr}/admin/")
        out(f"  password for every login: {DEMO_PASSWORD}")
        for login in DEMO_LOGINS:
            role = (
                "superuser"
                if login.superuser
                else (login.staff_role.label_en if login.staff_role else "portal admin")
            )
            out(f"    {login.email:<24} {role}")
        out(f"  staff TOTP secret (add to an authenticator app): {DEMO_TOTP_SECRET}")
        out(f"  emails are written to {settings.VAR_DIR / 'mail'}/ and listed in the admin outbox")
        out("  Ctrl-C stops the server, the worker and beat.")
        out("")
