"""Admin of the portal app: brands, edited by staff."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from portal.forms.brand import BrandAdminForm
from portal.models import Brand


@admin.register(Brand)
class BrandAdmin(admin.ModelAdmin):
    form = BrandAdminForm
    list_display = ["display_name", "organization", "host", "is_default", "primary_color"]
    list_filter = ["is_default"]
    search_fields = ["display_name", "host", "organization__name"]
    list_select_related = ["organization"]
    readonly_fields = ["text_colours", "updated_at"]
    fieldsets = [
        (None, {"fields": ["display_name", "organization", "is_default", "host"]}),
        (_("Look"), {"fields": ["logo", "primary_color", "accent_color", "text_colours"]}),
        (None, {"fields": ["updated_at"]}),
    ]

    @admin.display(description=_("text colours chosen"))
    def text_colours(self, brand: Brand) -> str:
        if not brand.pk:
            return "-"
        return _("%(primary)s on the primary colour, %(accent)s on the accent colour") % {
            "primary": brand.primary_text_color,
            "accent": brand.accent_text_color,
        }
