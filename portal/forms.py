"""Forms of the portal pages and of the brand admin."""

from __future__ import annotations

import zoneinfo
from functools import cache

from django import forms
from django.utils.translation import gettext_lazy as _

from contracts.models import Membership, Site, User, validate_time_zone
from portal.models import Brand


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


class InviteForm(forms.Form):
    """Invite a person to the organisation by email, with a role."""

    email = forms.EmailField(label=_("Email address"), max_length=254)
    full_name = forms.CharField(label=_("Full name"), max_length=150, required=False)
    role = forms.ChoiceField(
        label=_("Role"),
        choices=Membership.Role.choices,
        initial=Membership.Role.AGENT,
        help_text=_("Administrators manage the team; agents file and follow cases; viewers read."),
    )


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)


class MemberContactForm(forms.Form):
    is_technical_contact = forms.BooleanField(
        label=_("Designated technical contact"),
        required=False,
        help_text=_("Receives status updates and software notices (SLP-11, SLP-14)."),
    )


class SiteChoiceForm(forms.Form):
    """Which of the user's sites the contact page shows support hours for."""

    site = forms.ChoiceField(label=_("Site"), required=False)

    def __init__(self, *args, sites: list[Site], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["site"].choices = [(site.code, f"{site.name} ({site.code})") for site in sites]


class BrandAdminForm(forms.ModelForm):
    """The brand form of the admin: host and colours are kept lowercase."""

    class Meta:
        model = Brand
        fields = [
            "display_name",
            "organization",
            "is_default",
            "logo",
            "primary_color",
            "accent_color",
            "host",
        ]
        widgets = {
            "primary_color": forms.TextInput(attrs={"placeholder": "#0b5cad", "size": 8}),
            "accent_color": forms.TextInput(attrs={"placeholder": "#1f7a3a", "size": 8}),
        }

    def clean_host(self) -> str:
        return self.cleaned_data["host"].strip().lower()
