"""The brand form of the admin."""

from __future__ import annotations

from django import forms

from portal.models import Brand


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
