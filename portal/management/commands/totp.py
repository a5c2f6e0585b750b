"""Print the current TOTP code of the demo staff authenticator, or of one person's (--email).

So the demo's staff logins need no authenticator app and no `oathtool`: the code is the one
an app holding the same secret shows now. Anyone who can run this command can read the
secrets in the database anyway; it gives nothing more.
"""

from __future__ import annotations

import time

from allauth.mfa import app_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from allauth.mfa.utils import decrypt
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from contracts.demo import DEMO_TOTP_SECRET
from contracts.models import User


def totp_code(secret: str, *, at: float) -> tuple[str, int]:
    """Return the code of `secret` at the Unix time `at` and the seconds it stays valid."""
    period = app_settings.TOTP_PERIOD
    counter, elapsed = divmod(int(at), period)
    return format_hotp_value(hotp_value(secret, counter)), period - elapsed


def _secret_of(email: str) -> str:
    """Return the TOTP secret of the person with that email, or stop with a clear error."""
    user = User.objects.filter(email__iexact=email.strip()).first()
    if user is None:
        raise CommandError(_("No user has the email “%(email)s”.") % {"email": email})
    authenticator = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if authenticator is None:
        raise CommandError(
            _("%(email)s has no authenticator app set up (Profile > Two-factor authentication).")
            % {"email": user.email}
        )
    return decrypt(authenticator.data["secret"])


class Command(BaseCommand):
    help = gettext_lazy(
        "Print the current TOTP code of the demo staff authenticator (or, with --email, of "
        "that person's), so signing in to the demo admin needs no authenticator app."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--email", help=_("Print the code of this person's authenticator instead.")
        )

    def handle(self, *args, email: str | None = None, **options) -> None:
        secret = DEMO_TOTP_SECRET if email is None else _secret_of(email)
        code, seconds = totp_code(secret, at=time.time())
        self.stdout.write(code)
        # On stderr, so `$(python manage.py totp)` is the code alone.
        note = ngettext(
            "Valid for %(seconds)s more second; each code signs in once.",
            "Valid for %(seconds)s more seconds; each code signs in once.",
            seconds,
        )
        self.stderr.write(note % {"seconds": seconds})
