"""Admin of the portal app: brands, edited by staff; API tokens, seen and revoked, never shown."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from portal.forms.brand import BrandAdminForm
from portal.models import ApiToken, Brand
from portal.services.tokens import tokens_revoke


@admin.register(Brand)
class BrandAdmin(admin.ModelAdmin):
    form = BrandAdminForm
    list_display = ["display_name", "organization", "host", "is_default", "primary_color"]
    list_filter = ["is_default"]
    search_fields = ["display_name", "host", "organization__name"]
    list_select_related = ["organization"]
    readonly_fields = ["text_colours", "updated_at", "updated_by"]
    fieldsets = [
        (None, {"fields": ["display_name", "organization", "is_default", "host"]}),
        (_("Look"), {"fields": ["logo", "primary_color", "accent_color", "text_colours"]}),
        (None, {"fields": ["updated_at", "updated_by"]}),
    ]

    def save_model(self, request: HttpRequest, obj: Brand, form, change: bool) -> None:
        # A staff edit is the latest change, as a portal admin's is on /branding/.
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)

    @admin.display(description=_("text colours chosen"))
    def text_colours(self, brand: Brand) -> str:
        if not brand.pk:
            return "-"
        return _("%(primary)s on the primary colour, %(accent)s on the accent colour") % {
            "primary": brand.primary_text_color,
            "accent": brand.accent_text_color,
        }


class TokenStateFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request: HttpRequest, model_admin) -> list:
        return ApiToken.State.choices

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() in ApiToken.State.values:
            return queryset.in_state(self.value())
        return queryset


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are made by their owners (profile page, API); staff may only look and revoke.

    Neither the key (never stored) nor its hash is shown.
    """

    list_display = [
        "owner",
        "name",
        "prefix",
        "scope",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
        "state",
    ]
    list_filter = ["scope", TokenStateFilter]
    search_fields = ["user__email", "name", "prefix"]
    list_select_related = ["user"]
    fields = ["user", *list_display[1:]]
    readonly_fields = fields
    actions = ["revoke_selected"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.display(description=_("user"), ordering="user__email")
    def owner(self, token: ApiToken) -> str:
        return token.user.email

    @admin.display(description=_("state"))
    def state(self, token: ApiToken) -> str:
        return token.state.label

    @admin.action(description=_("Revoke selected tokens"), permissions=["change"])
    def revoke_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        count = tokens_revoke(queryset)
        self.message_user(
            request,
            ngettext("%(count)d token revoked.", "%(count)d tokens revoked.", count)
            % {"count": count},
            messages.SUCCESS,
        )
