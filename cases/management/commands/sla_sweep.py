"""Run the SLA sweep once and print what it raised (the beat task runs it every minute)."""

from __future__ import annotations

from datetime import datetime

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.services.sweep import sla_sweep


class Command(BaseCommand):
    help = gettext_lazy(
        "Raise the SLA warnings, breaches and status-update reminders due now (or at --now) "
        "and print one line: warnings=N breaches=N reminders=N."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--now",
            help=_("Sweep as of this ISO date and time with its offset, e.g. 2026-03-02T15:00Z."),
        )

    def handle(self, *args, **options) -> None:
        now = _parse_now(options["now"]) if options["now"] else None
        self.stdout.write(sla_sweep(now=now).summary())


def _parse_now(text: str) -> datetime:
    """Return the --now value as an aware datetime, or stop with a clear error."""
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise CommandError(
            _("--now must be an ISO date and time such as 2026-03-02T15:00Z, not “%(value)s”.")
            % {"value": text}
        ) from None
    if value.utcoffset() is None:
        raise CommandError(
            _("--now “%(value)s” has no time zone: add an offset such as Z or -06:00.")
            % {"value": text}
        )
    return value
