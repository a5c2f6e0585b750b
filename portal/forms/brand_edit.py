"""The brand page's form: what an organisation admin may change of the organisation's brand."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.models import Brand, validate_logo

LOGO_ACCEPT = "image/png,image/jpeg,image/gif,image/webp"


class LogoUploadField(forms.FileField):
    """An optional logo, refused by portal.models.validate_logo (size first, then the content).

    A plain file field rather than Django's image field: the content is judged once, by the
    same rule as the admin's, and a page that is not an image gets the logo's own message.
    """

    widget = forms.FileInput(attrs={"accept": LOGO_ACCEPT})

    def to_python(self, data):
        file = super().to_python(data)
        if file is not None:
            validate_logo(file)
        return file


def _colour_input(placeholder: str) -> forms.TextInput:
    return forms.TextInput(
        attrs={
            "placeholder": placeholder,
            "size": 8,
            "autocomplete": "off",
            "spellcheck": "false",
        }
    )


class BrandEditForm(forms.ModelForm):
    """Display name, colours and logo; host name and organisation stay staff-only."""

    logo = LogoUploadField(
        label=_("New logo"),
        required=False,
        help_text=_(
            "PNG, JPEG, GIF or WebP (no SVG), at most 1 MB and 4096 pixels a side; stored at "
            "1024 pixels at most. Shown in the header on a white tile, at most 160 by 40 pixels."
        ),
    )
    remove_logo = forms.BooleanField(label=_("Remove the logo"), required=False)

    class Meta:
        model = Brand
        fields = ["display_name", "primary_color", "accent_color"]
        help_texts = {
            "display_name": _("Shown in the header, in page titles and in your people's emails."),
        }
        widgets = {
            "primary_color": _colour_input("#0b5cad"),
            "accent_color": _colour_input("#1f7a3a"),
        }

    def clean(self) -> dict:
        data = super().clean()
        if data.get("logo") and data.get("remove_logo"):
            self.add_error(
                "remove_logo", _("Either upload a new logo or remove the logo, not both at once.")
            )
        return data
