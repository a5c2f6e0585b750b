"""Forms of the team page: invite a person, change a role, designate a technical contact."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from common.limits import NAME_MAX_CHARS, max_chars
from contracts.models import Membership


class InviteForm(forms.Form):
    """Invite a person to the organisation by email, with a role."""

    email = forms.EmailField(label=_("Email address"), max_length=254)
    full_name = forms.CharField(
        label=_("Full name"), required=False, validators=[max_chars(NAME_MAX_CHARS)]
    )
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
