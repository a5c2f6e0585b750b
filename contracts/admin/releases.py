"""Staff admin for products, releases and patches, with each release's support status (SLP-2)."""

from __future__ import annotations

from django.contrib import admin
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from contracts.admin.permissions import ContractAdministratorEdits
from contracts.models import Patch, Product, Release
from contracts.services.releases import (
    SupportStatus,
    release_latest_patch,
    release_statuses,
    release_support_status,
)

_STATUS_COLOURS = {
    SupportStatus.CURRENT: "#1a7f37",
    SupportStatus.PREVIOUS: "#0b5cad",
    SupportStatus.UNSUPPORTED: "#8c959f",
    SupportStatus.UPCOMING: "#9a6700",
}


def _statuses_today() -> dict[int, SupportStatus]:
    return release_statuses(on=timezone.localdate())


class SupportStatusFilter(admin.SimpleListFilter):
    title = _("support status")
    parameter_name = "support_status"

    def lookups(self, request, model_admin):
        return SupportStatus.choices

    def queryset(self, request, queryset):
        if self.value() not in SupportStatus.values:
            return queryset
        statuses = _statuses_today()
        return queryset.filter(pk__in=[pk for pk, s in statuses.items() if s == self.value()])


class ReleaseInline(ContractAdministratorEdits, admin.TabularInline):
    model = Release
    fields = ["version", "release_date"]
    extra = 0
    show_change_link = True


class PatchInline(ContractAdministratorEdits, admin.TabularInline):
    model = Patch
    fields = ["version", "release_date"]
    extra = 0


@admin.register(Product)
class ProductAdmin(ContractAdministratorEdits, admin.ModelAdmin):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]
    prepopulated_fields = {"code": ["name"]}
    inlines = [ReleaseInline]


@admin.register(Release)
class ReleaseAdmin(ContractAdministratorEdits, admin.ModelAdmin):
    list_display = ["__str__", "product", "version", "release_date", "support_status"]
    list_select_related = ["product"]
    list_filter = ["product", SupportStatusFilter]
    search_fields = ["version", "product__name"]
    readonly_fields = ["support_status", "latest_patch"]
    inlines = [PatchInline]

    def get_changelist_instance(self, request):
        # One query gives every row its status; statuses depend on sibling
        # releases, so they cannot be read row by row without N+1 queries.
        changelist = super().get_changelist_instance(request)
        statuses = _statuses_today()
        for release in changelist.result_list:
            release.support_status = statuses.get(release.pk)
        return changelist

    @admin.display(description=_("support status"))
    def support_status(self, obj: Release) -> str:
        if obj.pk is None:
            return "-"
        status = getattr(obj, "support_status", None) or release_support_status(
            obj, on=timezone.localdate()
        )
        return format_html(
            '<strong style="color:{}">{}</strong>', _STATUS_COLOURS[status], status.label
        )

    @admin.display(description=_("latest patch"))
    def latest_patch(self, obj: Release) -> str:
        if obj.pk is None:
            return "-"
        patch = release_latest_patch(obj, on=timezone.localdate())
        return patch.version if patch else "-"
