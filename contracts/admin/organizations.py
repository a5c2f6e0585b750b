"""Staff admin for organisations, their people, sites and CONNECT contracts."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from contracts.admin.initial import AddressInitialChecked
from contracts.admin.permissions import ContractAdministratorEdits
from contracts.admin.site_releases import SiteOnUnsupportedReleaseFilter, SiteReleaseInline
from contracts.countries import country_name
from contracts.models import Contract, Membership, Organization, Site
from contracts.services.contracts import (
    ContractOverlapError,
    contract_check_overlap,
    contract_renew,
)

EXPIRY_WINDOWS = (30, 60, 90)


class CountryFilter(admin.SimpleListFilter):
    title = _("country")
    parameter_name = "country"

    def lookups(self, request, model_admin):
        codes = model_admin.get_queryset(request).order_by().values_list("country", flat=True)
        return sorted(((c, country_name(c)) for c in set(codes)), key=lambda pair: pair[1])

    def queryset(self, request, queryset):
        return queryset.filter(country=self.value()) if self.value() else queryset


class ContractExpiringFilter(admin.SimpleListFilter):
    """Active contracts whose last day falls within the next 30, 60 or 90 days."""

    title = _("expiring")
    parameter_name = "expiring_within"

    def lookups(self, request, model_admin):
        return [(str(days), _("Within %(days)d days") % {"days": days}) for days in EXPIRY_WINDOWS]

    def expiring(self) -> QuerySet[Contract] | None:
        if self.value() not in {str(days) for days in EXPIRY_WINDOWS}:
            return None
        today = timezone.localdate()
        return Contract.objects.filter(
            status=Contract.Status.ACTIVE,
            end_date__gte=today,
            end_date__lte=today + dt.timedelta(days=int(self.value())),
        )

    def queryset(self, request, queryset):
        expiring = self.expiring()
        return queryset if expiring is None else queryset.filter(pk__in=expiring.values("pk"))


class OrganizationContractExpiringFilter(ContractExpiringFilter):
    title = _("contract expiring")

    def queryset(self, request, queryset):
        expiring = self.expiring()
        if expiring is None:
            return queryset
        return queryset.filter(pk__in=expiring.values("holder_id"))


class SiteInline(ContractAdministratorEdits, admin.TabularInline):
    model = Site
    fields = ["code", "name", "country", "time_zone", "address"]
    extra = 0
    show_change_link = True
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 1})}}


class MembershipInline(ContractAdministratorEdits, admin.TabularInline):
    model = Membership
    fields = ["user", "role", "is_technical_contact", "is_active"]
    autocomplete_fields = ["user"]
    extra = 0


class ContractInline(ContractAdministratorEdits, admin.TabularInline):
    """Read-only list; contracts are written on their own page, where overlaps are checked."""

    model = Contract
    fk_name = "holder"
    fields = ["reference", "start_date", "end_date", "status", "renewed_from"]
    readonly_fields = fields
    extra = 0
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Organization)
class OrganizationAdmin(AddressInitialChecked, ContractAdministratorEdits, admin.ModelAdmin):
    list_display = ["name", "kind", "partner", "country", "language", "status", "success_manager"]
    list_select_related = ["partner", "success_manager"]
    list_filter = [
        "kind",
        CountryFilter,
        "status",
        ("contracts__status", admin.ChoicesFieldListFilter),
        OrganizationContractExpiringFilter,
    ]
    search_fields = ["name", "sites__code", "contracts__reference"]
    autocomplete_fields = ["partner", "success_manager"]
    readonly_fields = ["created_at"]
    inlines = [SiteInline, MembershipInline, ContractInline]


@admin.register(Site)
class SiteAdmin(AddressInitialChecked, ContractAdministratorEdits, admin.ModelAdmin):
    list_display = ["code", "name", "organization", "country", "time_zone"]
    list_select_related = ["organization"]
    list_filter = [
        CountryFilter,
        "time_zone",
        "organization__kind",
        SiteOnUnsupportedReleaseFilter,
    ]
    search_fields = ["code", "name", "organization__name"]
    autocomplete_fields = ["organization"]
    inlines = [SiteReleaseInline]


@admin.register(Membership)
class MembershipAdmin(AddressInitialChecked, ContractAdministratorEdits, admin.ModelAdmin):
    list_display = ["user", "organization", "role", "is_technical_contact", "is_active"]
    list_select_related = ["user", "organization"]
    list_filter = ["role", "is_technical_contact", "is_active", "organization__kind"]
    search_fields = ["user__email", "user__full_name", "organization__name"]
    autocomplete_fields = ["user", "organization"]


class ContractAdminForm(forms.ModelForm):
    """Refuses a second contract on a site over the same days, next to the sites field."""

    class Meta:
        model = Contract
        fields = ["reference", "holder", "sites", "start_date", "end_date", "status"]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        sites = cleaned.get("sites")
        if start is None or end is None or sites is None or end < start:
            return cleaned
        if cleaned.get("status") == Contract.Status.CANCELLED:
            return cleaned
        try:
            contract_check_overlap(
                sites=sites,
                start_date=start,
                end_date=end,
                exclude=self.instance if self.instance.pk else None,
            )
        except ContractOverlapError as exc:
            self.add_error("sites", exc)
        return cleaned


@admin.register(Contract)
class ContractAdmin(AddressInitialChecked, ContractAdministratorEdits, admin.ModelAdmin):
    form = ContractAdminForm
    list_display = [
        "reference",
        "holder",
        "start_date",
        "end_date",
        "status",
        "days_left",
        "renewed_from",
    ]
    list_select_related = ["holder", "renewed_from"]
    list_filter = ["status", ContractExpiringFilter, "holder__kind"]
    search_fields = ["reference", "holder__name", "sites__code"]
    autocomplete_fields = ["holder", "sites"]
    readonly_fields = ["renewed_from", "expiry_notices_sent", "created_at"]
    date_hierarchy = "end_date"
    actions = ["renew_selected"]

    @admin.display(description=_("days left"))
    def days_left(self, obj: Contract) -> int | None:
        if obj.status != Contract.Status.ACTIVE:
            return None
        return (obj.end_date - timezone.localdate()).days

    @admin.action(
        description=_("Renew the selected contracts for one year"), permissions=["change"]
    )
    def renew_selected(self, request, queryset) -> None:
        renewed, refused = [], []
        for contract in queryset.order_by("reference"):
            try:
                renewed.append(contract_renew(contract=contract).reference)
            except ValidationError as exc:
                refused.append(" ".join(exc.messages))
        if renewed:
            self.message_user(
                request,
                ngettext(
                    "Renewed %(count)d contract: %(refs)s.",
                    "Renewed %(count)d contracts: %(refs)s.",
                    len(renewed),
                )
                % {"count": len(renewed), "refs": ", ".join(renewed)},
                messages.SUCCESS,
            )
        for reason in refused:
            self.message_user(request, reason, messages.ERROR)
