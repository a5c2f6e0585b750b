"""The profile form: name, language and time zone of the signed-in person."""

from __future__ import annotations

import zoneinfo
from functools import cache

from django import forms
from django.utils.translation import gettext_lazy as _

from contracts.models import User, validate_time_zone


@cache
def _time_zone_choices() -> list[tuple[str, str]]:
    # Legacy aliases (US/Eastern, Etc/GMT+5) confuse more than they help in a list.
    names = sorted(
        name
        for name in zoneinfo.available_timezones()
        if "/" in name and not name.startswith(("Etc/", "SystemV/", "US/", "posix", "right"))
    )
    return [("UTC", "UTC"), *((name, name.replace("_", " ")) for name in names)]


class ProfileForm(forms.ModelForm):
    """A person's own name, language and time zone."""

    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        choices=_time_zone_choices,
        validators=[validate_time_zone],
        help_text=_("Dates, deadlines and support hours are shown in this time zone."),
    )

    class Meta:
        model = User
        fields = ["full_name", "language", "time_zone"]
