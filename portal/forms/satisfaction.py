"""The one question asked when a case is resolved: how did we do? (issue 15)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from cases.models import Satisfaction
from common.limits import REASON_MAX_CHARS, max_chars


class RatingForm(forms.Form):
    """Good or bad, and an optional comment; cases.services.case_rate checks the rest."""

    score = forms.ChoiceField(
        label=_("How did we do?"),
        choices=Satisfaction.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose good or bad."),
            "invalid_choice": _("Choose good or bad."),
        },
    )
    comment = forms.CharField(
        label=_("Anything to add? (optional)"),
        required=False,
        validators=[max_chars(REASON_MAX_CHARS)],
        widget=forms.Textarea(attrs={"rows": 3}),
    )
