"""Staff admin of what each site runs: site releases, their support today (SLP-2, SLP-15)."""

from __future__ import annotations

from django.contrib import admin
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from contracts.admin.initial import AddressInitialChecked
from contracts.admin.permissions import ContractAdministratorEdits
from contracts.models import Patch, SiteRelease
from contracts.selectors import releases_unsupported_ids, sites_on_unsupported_releases
from contracts.services.releases import SupportStatus, release_statuses


class ReleaseSupportFilter(admin.SimpleListFilter):
    """Site releases by the support status of the release today (SLP-2)."""

    title = _("release support")
    parameter_name = "release_support"

    def lookups(self, request, model_admin):
        return SupportStatus.choices

    def queryset(self, request, queryset):
        if self.value() not in SupportStatus.values:
            return queryset
        statuses = release_statuses(on=timezone.localdate())
        return queryset.filter(
            release_id__in=[pk for pk, status in statuses.items() if status == self.value()]
        )


class SiteOnUnsupportedReleaseFilter(admin.SimpleListFilter):
    """Sites running a release that no longer gets support; for the Site admin's list_filter."""

    title = _("runs an unsupported release")
    parameter_name = "unsupported_release"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes"))]

    def queryset(self, request, queryset):
        if self.value() != "yes":
            return queryset
        return queryset.filter(pk__in=sites_on_unsupported_releases().values("pk"))


class PatchChoicesLoaded:
    """Loads each patch choice with its release and product, which its label names."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "patch":
            kwargs["queryset"] = Patch.objects.select_related("release__product")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class SiteReleaseInline(PatchChoicesLoaded, ContractAdministratorEdits, admin.TabularInline):
    """What a site runs; for the Site admin's inlines."""

    model = SiteRelease
    fields = ["release", "patch", "seats"]
    autocomplete_fields = ["release"]
    extra = 0


@admin.register(SiteRelease)
class SiteReleaseAdmin(
    AddressInitialChecked, PatchChoicesLoaded, ContractAdministratorEdits, admin.ModelAdmin
):
    list_display = ["site", "organization", "release", "patch", "seats", "support", "updated_at"]
    list_select_related = ["site__organization", "release__product", "patch__release__product"]
    list_filter = [ReleaseSupportFilter, "release__product", "site__organization__kind"]
    search_fields = ["site__code", "site__name", "site__organization__name", "release__version"]
    autocomplete_fields = ["site", "release"]
    readonly_fields = ["updated_at"]

    def get_changelist_instance(self, request):
        # One query flags every row; support depends on sibling releases (no N+1).
        changelist = super().get_changelist_instance(request)
        unsupported = set(releases_unsupported_ids())
        for row in changelist.result_list:
            row.unsupported = row.release_id in unsupported
        return changelist

    @admin.display(description=_("organisation"), ordering="site__organization__name")
    def organization(self, obj: SiteRelease) -> str:
        return obj.site.organization.name

    @admin.display(description=_("support"))
    def support(self, obj: SiteRelease) -> str:
        if getattr(obj, "unsupported", False):
            return format_html(
                '<strong style="color:#b42318">{}</strong>', gettext("Unsupported release")
            )
        return gettext("Supported")
