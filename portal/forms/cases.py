"""Forms of the case pages: list filters, the new-case form, and the actions on a case."""

from __future__ import annotations

from collections.abc import Iterable

from django import forms
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from cases.models import Status
from cases.services import RequestTopic
from common.limits import (
    CASE_TEXT_MAX_CHARS,
    COMMENT_MAX_CHARS,
    REASON_MAX_CHARS,
    TITLE_MAX_CHARS,
    max_chars,
)
from contracts.models import Organization, Release, Site
from portal.selectors import case_list
from portal.selectors.cases import CaseSort
from sla.models import Priority

# Per upload: a case page is not a file share; the limit per file is the service's.
MAX_FILES = 10


# SLP-4, restated for the person choosing: the class, its meaning and the policy's example.
PRIORITY_GUIDE = {
    Priority.P1: (
        _("Urgent"),
        _("Severe impact: the software is unusable, many users or critical functions are hit."),
        _(
            "The software is unusable for all users, or will not start on several production "
            "machines: operations have stopped."
        ),
    ),
    Priority.P2: (
        _("Critical"),
        _("Functions or performance are badly degraded; partial operation is possible."),
        _(
            "Key functions (for example toolpaths for some machines) are unavailable to several "
            "users; one user's licence access fails while others work."
        ),
    ),
    Priority.P3: (
        _("Medium"),
        _("Non-essential functions are impaired; work goes on with limits."),
        _(
            "Simulation or visualisation tools fail for some users, who can still program and "
            "post G-code."
        ),
    ),
    Priority.P4: (
        _("Low"),
        _("Minor, little business impact."),
        _(
            "Cosmetic issues in the interface; training help and how-to questions; licence-status "
            "questions with no immediate impact."
        ),
    ),
}


# The status filter: open cases unless asked otherwise; then closed, all, or one status.
STATUS_FILTER_CHOICES = [
    (case_list.OPEN, _("Open cases")),
    (case_list.CLOSED, _("Closed cases")),
    (case_list.ALL, _("All cases")),
    (_("By status"), Status.choices),
]
_FILTER_DEFAULTS = {"status": case_list.OPEN, "sort": CaseSort.NEWEST}


class CaseFilterForm(forms.Form):
    """The list's filters, search and sort, read from the query string.

    `sites` are the (code, label) choices of the site filter. Open cases unless the status
    says otherwise; `state=open` or `state=closed`, the filter of links made before the
    status took its place, still works when no status is given.
    """

    q = forms.CharField(
        label=_("Search"),
        max_length=100,
        required=False,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": _("Number, or words of the title, description, replies"),
                "autocomplete": "off",
            }
        ),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=STATUS_FILTER_CHOICES,
        initial=case_list.OPEN,
    )
    priority = forms.ChoiceField(
        label=_("Priority"), required=False, choices=[("", _("Any priority")), *Priority.choices]
    )
    site = forms.ChoiceField(label=_("Site"), required=False)
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=CaseSort.choices)

    def __init__(self, data=None, *args, sites: Iterable[tuple[str, str]], **kwargs) -> None:
        state = data.get("state") if data is not None else None
        if state in (case_list.OPEN, case_list.CLOSED) and not data.get("status"):
            data = data.copy()
            data["status"] = state
        super().__init__(data, *args, **kwargs)
        self.fields["site"].choices = [("", _("Any site")), *sites]

    def filters(self) -> dict[str, str]:
        """Return the valid filters that differ from the defaults, in the form's order.

        An invalid one is dropped (and shown next to its field).
        """
        if not self.is_bound:
            return {}
        self.is_valid()
        chosen = {}
        for name in case_list.FILTER_NAMES:
            value = (self.cleaned_data.get(name) or "").strip()
            if value and value != _FILTER_DEFAULTS.get(name):
                chosen[name] = value
        return chosen

    def query_string(self) -> str:
        """Return the query string of the valid filters (empty for the default list)."""
        return urlencode(self.filters())


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field; each one is checked by the attachment service."""

    widget = MultipleFileInput

    def clean(self, data, initial=None) -> list:
        files = [item for item in (data if isinstance(data, list | tuple) else [data]) if item]
        if len(files) > MAX_FILES:
            raise forms.ValidationError(
                _("Attach at most %(count)s files at a time."), params={"count": MAX_FILES}
            )
        if self.required and not files:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        single = super().clean
        return [single(item, initial) for item in files]


def site_choices(sites: Iterable[Site], own: Organization | None) -> list:
    """Return the sites grouped by organisation, the user's own organisation first."""
    groups: dict[int, tuple[Organization, list]] = {}
    for site in sites:
        org = site.organization
        groups.setdefault(org.pk, (org, []))[1].append((site.code, f"{site.name} ({site.code})"))
    ordered = sorted(
        groups.values(), key=lambda group: (own is None or group[0].pk != own.pk, group[0].name)
    )
    choices: list = [("", _("Choose a site"))]
    for org, options in ordered:
        if own is not None and org.pk != own.pk and org.partner_id == own.pk:
            label = _("%(org)s (end customer)") % {"org": org.name}
        else:
            label = org.name
        choices.append((label, options))
    return choices


class CaseNewForm(forms.Form):
    """A new case: the site first, then its release, then what support needs (SLP-4, SLP-15)."""

    site = forms.ChoiceField(
        label=_("Site"),
        help_text=_("Where the licence is used. A partner files for its end customers' sites."),
    )
    release = forms.ModelChoiceField(
        label=_("Release"),
        queryset=Release.objects.none(),
        empty_label=_("Choose a release"),
        error_messages={"required": _("Choose the site, then one of its releases.")},
        help_text=_("Only the current and the previous release are supported (SLP-2)."),
    )
    topic = forms.ChoiceField(
        label=_("What is the request about?"),
        choices=RequestTopic.choices,
        initial=RequestTopic.SUPPORT,
        widget=forms.RadioSelect,
    )
    proposed_priority = forms.ChoiceField(
        label=_("Priority"),
        choices=Priority.choices,
        widget=forms.RadioSelect,
        help_text=_("Support confirms or changes it when triaging the case (SLP-4)."),
    )
    title = forms.CharField(label=_("Title"), validators=[max_chars(TITLE_MAX_CHARS)])
    description = forms.CharField(
        label=_("Description"),
        validators=[max_chars(CASE_TEXT_MAX_CHARS)],
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What happens, what you expected, and any error message."),
    )
    environment = forms.CharField(
        label=_("Environment"),
        required=False,
        validators=[max_chars(CASE_TEXT_MAX_CHARS)],
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Operating system, hardware, machine, post-processor (SLP-15)."),
    )
    steps = forms.CharField(
        label=_("Steps to reproduce"),
        required=False,
        validators=[max_chars(CASE_TEXT_MAX_CHARS)],
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    business_impact = forms.CharField(
        label=_("Business impact"),
        required=False,
        validators=[max_chars(CASE_TEXT_MAX_CHARS)],
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Who is affected, and what cannot be done."),
    )
    attachments = MultipleFileField(
        label=_("Attachments"),
        required=False,
        help_text=_("Optional: logs, screenshots, G-code, PDF, ZIP. Several files may be chosen."),
    )

    def __init__(self, *args, sites: list[Site], own: Organization | None, releases, **kwargs):
        super().__init__(*args, **kwargs)
        self.sites = {site.code: site for site in sites}
        self.fields["site"].choices = site_choices(sites, own)
        # With htmx, choosing a site swaps in its release field; without it, a button does.
        self.fields["site"].widget.attrs.update(
            {
                "hx-get": reverse("cases:new_releases"),
                "hx-target": "#release-field",
                "hx-swap": "outerHTML",
                "hx-trigger": "change",
            }
        )
        # Any visible release is accepted, so a release that stopped being supported since the
        # page was loaded is refused with its explanation rather than "not a valid choice".
        self.fields["release"].queryset = releases

    def clean_site(self) -> Site:
        return self.sites[self.cleaned_data["site"]]


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Your reply"),
        validators=[max_chars(COMMENT_MAX_CHARS)],
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class InformationForm(forms.Form):
    body = forms.CharField(
        label=_("The information requested"),
        validators=[max_chars(COMMENT_MAX_CHARS)],
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class AttachForm(forms.Form):
    files = MultipleFileField(label=_("Files"))


class EscalateForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you escalate?"),
        validators=[max_chars(REASON_MAX_CHARS)],
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "The case goes to the next review level: supervisor, then support management, then "
            "an executive sponsor or customer success manager (SLP-12)."
        ),
    )


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Why reopen the case?"),
        validators=[max_chars(REASON_MAX_CHARS)],
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CloseForm(forms.Form):
    """Confirm a resolution: nothing to fill in."""
