"""The contact page form: which site to show support hours for."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from contracts.models import Site


class SiteChoiceForm(forms.Form):
    """Which of the user's sites the contact page shows support hours for."""

    site = forms.ChoiceField(label=_("Site"), required=False)

    def __init__(self, *args, sites: list[Site], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["site"].choices = [(site.code, f"{site.name} ({site.code})") for site in sites]
