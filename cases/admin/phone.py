"""Log a phone case on a customer's behalf (SLP-13: phone and online cases count alike).

Two steps without JavaScript: first the organisation that files, then a form whose sites,
people and releases are those of that organisation. Saving calls case_open with channel phone;
a request that is not covered can be recorded as withdrawn, with the reason (SLP-16).
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Case, Channel, Exclusion
from cases.services import case_open, case_record_withdrawn
from common.limits import CASE_TEXT_MAX_CHARS, COMMENT_MAX_CHARS, TITLE_MAX_CHARS, max_chars
from contracts.models import Organization, Patch, Release, Site, User
from sla.models import Priority

# SLP-4: what each priority means, shown beside the choice.
PRIORITY_HELP = _(
    "P1 urgent: software unusable, operations stopped. P2 critical: key functions unavailable "
    "to several users. P3 medium: non-essential functions impaired, work goes on. P4 low: "
    "cosmetic issues, how-to and licence-status questions."
)


class OrganizationChoiceForm(forms.Form):
    organization = forms.ModelChoiceField(
        label=_("Organisation that files the case"),
        queryset=Organization.objects.exclude(kind=Organization.Kind.END_CUSTOMER).order_by("name"),
        help_text=_("A partner files for its end customers (SLP-1): choose the partner."),
    )


class PhoneCaseForm(forms.Form):
    site = forms.ModelChoiceField(label=_("Site"), queryset=Site.objects.none())
    release = forms.ModelChoiceField(
        label=_("Release"), queryset=Release.objects.select_related("product")
    )
    patch = forms.ModelChoiceField(
        label=_("Patch level"),
        queryset=Patch.objects.select_related("release__product"),
        required=False,
    )
    reporter = forms.ModelChoiceField(label=_("Caller (reporter)"), queryset=User.objects.none())
    contact = forms.ModelChoiceField(
        label=_("Designated contact"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("Empty: the organisation's designated technical contact."),
    )
    proposed_priority = forms.ChoiceField(
        label=_("Priority the caller asks for"), choices=Priority.choices, help_text=PRIORITY_HELP
    )
    title = forms.CharField(label=_("Title"), validators=[max_chars(TITLE_MAX_CHARS)])
    description = forms.CharField(
        label=_("Description"),
        validators=[max_chars(CASE_TEXT_MAX_CHARS)],
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    environment = forms.CharField(
        label=_("Environment (OS, hardware, machine, post-processor)"),
        required=False,
        validators=[max_chars(CASE_TEXT_MAX_CHARS)],
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    steps = forms.CharField(
        label=_("Steps to reproduce"),
        required=False,
        validators=[max_chars(CASE_TEXT_MAX_CHARS)],
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    business_impact = forms.CharField(
        label=_("Business impact"),
        required=False,
        validators=[max_chars(CASE_TEXT_MAX_CHARS)],
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    received_at = forms.DateTimeField(
        label=_("Call received at"),
        required=False,
        help_text=_("Your time zone; empty means now. The response clock starts here."),
    )
    exclusion = forms.ChoiceField(
        label=_("If not covered: exclusion (SLP-16)"),
        required=False,
        choices=[("", "---------"), *Exclusion.choices],
    )
    explanation = forms.CharField(
        label=_("If not covered: explanation to the customer"),
        required=False,
        validators=[max_chars(COMMENT_MAX_CHARS)],
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, organization: Organization, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.organization = organization
        served = Q(organization=organization) | Q(organization__partner=organization)
        self.fields["site"].queryset = Site.objects.filter(served).order_by("code")
        members = User.objects.filter(
            is_active=True, memberships__is_active=True, memberships__organization=organization
        )
        self.fields["reporter"].queryset = members.order_by("email")
        self.fields["contact"].queryset = (
            User.objects.filter(is_active=True, memberships__is_active=True)
            .filter(
                Q(memberships__organization=organization)
                | Q(memberships__organization__partner=organization)
            )
            .order_by("email")
        )

    def _fields_for_service(self) -> dict:
        data = self.cleaned_data
        return {
            "organization": self.organization,
            "site": data["site"],
            "release": data["release"],
            "patch": data["patch"],
            "reporter": data["reporter"],
            "contact": data["contact"],
            "title": data["title"],
            "description": data["description"],
            "proposed_priority": data["proposed_priority"],
            "channel": Channel.PHONE,
            "received_at": data["received_at"] or timezone.now(),
        }

    def open_case(self) -> Case:
        """Open the case through intake (eligibility included); raise its refusal as is."""
        data = self.cleaned_data
        return case_open(
            **self._fields_for_service(),
            environment=data["environment"],
            steps=data["steps"],
            business_impact=data["business_impact"],
        )

    def record_withdrawn(self, *, by: User) -> Case:
        """Record the request as withdrawn out of scope, telling the customer why (SLP-16)."""
        data = self.cleaned_data
        if not data["exclusion"]:
            raise ValidationError({"exclusion": _("Choose the SLP-16 exclusion that applies.")})
        return case_record_withdrawn(
            **self._fields_for_service(),
            by=by,
            exclusion=data["exclusion"],
            explanation=data["explanation"],
        )
