"""The profile forms: name, language and time zone, and which optional emails to receive."""

from __future__ import annotations

import zoneinfo
from functools import cache

from django import forms
from django.utils.translation import gettext_lazy as _

from contracts.models import User, validate_time_zone
from mail.models import ContactPreference, Topic


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


def email_topics_for(user, membership) -> list[Topic]:
    """Return the kinds of optional email that reach this person: staff, admins, members."""
    if user.is_staff:
        return [Topic.STAFF_ALERTS]
    topics = [Topic.CASES]
    if membership is not None and membership.role == membership.Role.ADMIN:
        topics.append(Topic.ORGANIZATION_CASES)
    return [*topics, Topic.SCHEDULED_UPDATES]


class EmailPreferencesForm(forms.Form):
    """One checkbox per kind of optional email the person may receive (issue 12)."""

    def __init__(self, *args, topics: list[Topic], preference: ContactPreference, **kwargs):
        super().__init__(*args, **kwargs)
        for topic in topics:
            self.fields[topic.value] = forms.BooleanField(
                label=topic.label, required=False, initial=preference.receives(topic)
            )

    def receive(self) -> dict[str, bool]:
        """Return, per topic of the form, whether the person wants it."""
        return {name: bool(self.cleaned_data.get(name)) for name in self.fields}
