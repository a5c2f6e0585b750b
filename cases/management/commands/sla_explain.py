"""Print a case's two SLA clocks with their explanation (DESIGN.md, SLA semantics)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.models import Case
from cases.services.explain import case_explain


class Command(BaseCommand):
    help = gettext_lazy(
        "Print both SLA clocks of a case: state, priority, target, minutes used and left, due "
        "instant in the site's zone and UTC, the days counted, closed days, pauses and the policy "
        "version."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("number", help=_("Case number, e.g. C-000123."))

    def handle(self, *args, **options) -> None:
        number = options["number"].strip().upper()
        case = (
            Case.objects.select_related("site", "calendar", "policy_version")
            .filter(number=number)
            .first()
        )
        if case is None:
            raise CommandError(_("No case numbered “%(number)s”.") % {"number": number})
        self.stdout.write(case_explain(case))
