"""The form of the token page: name, scope and life of a new API token (staff add a code)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from contracts.models import User
from portal.models.tokens import TOKEN_DEFAULT_DAYS, TOKEN_MAX_DAYS, ApiToken
from portal.services.tokens import token_scopes_for

EXPIRY_DAYS = (7, 30, TOKEN_DEFAULT_DAYS, 180, TOKEN_MAX_DAYS)


def _days(count: int) -> str:
    return ngettext("%(count)d day", "%(count)d days", count) % {"count": count}


class TokenCreateForm(forms.Form):
    """What the new token is for, what it may do, how long it lives."""

    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What uses this token, such as “ERP sync”."),
    )
    scope = forms.ChoiceField(label=_("Access"))
    expires_in_days = forms.TypedChoiceField(
        label=_("Expires after"), coerce=int, initial=TOKEN_DEFAULT_DAYS
    )

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        scopes = token_scopes_for(user)
        self.fields["scope"].choices = [
            (value, label) for value, label in ApiToken.Scope.choices if value in scopes
        ]
        if scopes == [ApiToken.Scope.READ]:
            self.fields["scope"].help_text = _("Your role only allows reading.")
        self.fields["expires_in_days"].choices = [(days, _days(days)) for days in EXPIRY_DAYS]
        if user.is_staff:
            self.fields["code"] = forms.CharField(
                label=_("Authenticator code"),
                max_length=10,
                help_text=_(
                    "A staff token reaches every organisation's cases: enter the current "
                    "code of your authenticator app."
                ),
                widget=forms.TextInput(
                    attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}
                ),
            )
