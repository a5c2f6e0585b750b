"""Sites, contracts, releases and eligibility as the API shows them."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from contracts.models import Contract, Release, Site
from contracts.selectors import release_list_for_user, site_list_for_user
from contracts.services.eligibility import ReasonCode
from contracts.services.releases import SupportStatus
from portal.selectors.sites import Coverage, contract_coverage

COVERAGE_CHOICES = Coverage.choices


class VisibleReleaseField(serializers.PrimaryKeyRelatedField):
    """A release id, among the releases the requesting user may see."""

    def __init__(self, **kwargs) -> None:
        super().__init__(queryset=Release.objects.none(), **kwargs)

    def get_queryset(self):
        return release_list_for_user(self.context["request"].user)


class VisibleSiteField(serializers.SlugRelatedField):
    """A site code, among the sites the requesting user may see: others read as unknown."""

    def __init__(self, **kwargs) -> None:
        super().__init__(slug_field="code", queryset=Site.objects.none(), **kwargs)

    def get_queryset(self):
        return site_list_for_user(self.context["request"].user)


class SiteContractSerializer(serializers.Serializer):
    """A contract covering a site; a partner's contract keeps its reference and holder private."""

    reference = serializers.SerializerMethodField()
    holder = serializers.SerializerMethodField()
    start_date = serializers.DateField(read_only=True)
    end_date = serializers.DateField(read_only=True)
    coverage = serializers.ChoiceField(choices=COVERAGE_CHOICES, read_only=True)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_reference(self, contract) -> str | None:
        return contract.reference if contract.is_visible else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_holder(self, contract) -> str | None:
        return contract.holder.name if contract.is_visible else None


class SiteReleaseSerializer(serializers.Serializer):
    """A release a site runs, with its patch level and support status today."""

    release = serializers.IntegerField(source="release.pk", read_only=True)
    product = serializers.CharField(source="release.product.name", read_only=True)
    version = serializers.CharField(source="release.version", read_only=True)
    patch = serializers.CharField(source="patch.version", read_only=True, allow_null=True)
    seats = serializers.IntegerField(read_only=True)
    support_status = serializers.ChoiceField(
        choices=SupportStatus.choices, read_only=True, allow_null=True
    )


class SiteSerializer(serializers.Serializer):
    """A site (from portal.selectors.sites.SiteRow) with its coverage today, site time."""

    code = serializers.CharField(source="site.code", read_only=True)
    name = serializers.CharField(source="site.name", read_only=True)
    organization = serializers.CharField(source="site.organization.name", read_only=True)
    address = serializers.CharField(source="site.address", read_only=True)
    country = serializers.CharField(source="site.country", read_only=True)
    time_zone = serializers.CharField(source="site.time_zone", read_only=True)
    site_date = serializers.DateField(
        source="day", read_only=True, help_text=_("Today in the site's time zone.")
    )
    coverage = serializers.ChoiceField(choices=COVERAGE_CHOICES, read_only=True)
    covered_until = serializers.DateField(source="until", read_only=True, allow_null=True)
    contracts = SiteContractSerializer(many=True, read_only=True)
    releases = SiteReleaseSerializer(source="runs", many=True, read_only=True)


class ContractSerializer(serializers.Serializer):
    """A contract the user may see, with the sites it covers that the user may see."""

    reference = serializers.CharField(read_only=True)
    holder = serializers.CharField(source="holder.name", read_only=True)
    start_date = serializers.DateField(read_only=True)
    end_date = serializers.DateField(read_only=True, help_text=_("The last day covered."))
    status = serializers.ChoiceField(choices=Contract.Status.choices, read_only=True)
    coverage = serializers.SerializerMethodField(help_text=_("Coverage today."))
    sites = serializers.SerializerMethodField(help_text=_("Codes of the covered sites you see."))
    renewed_from = serializers.CharField(
        source="renewed_from.reference", read_only=True, allow_null=True
    )

    @extend_schema_field(serializers.ChoiceField(choices=COVERAGE_CHOICES))
    def get_coverage(self, contract: Contract) -> str:
        return contract_coverage(contract, day=self.context.get("today") or timezone.localdate())

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_sites(self, contract: Contract) -> list[str]:
        return [site.code for site in contract.sites.all()]


class PatchSerializer(serializers.Serializer):
    version = serializers.CharField(read_only=True)
    release_date = serializers.DateField(read_only=True)


class ReleaseSerializer(serializers.Serializer):
    """A product release with its support status today (SLP-2) and its patches."""

    id = serializers.IntegerField(read_only=True)
    product = serializers.CharField(source="product.code", read_only=True)
    product_name = serializers.CharField(source="product.name", read_only=True)
    version = serializers.CharField(read_only=True)
    release_date = serializers.DateField(read_only=True)
    support_status = serializers.SerializerMethodField(help_text=_("Support status today."))
    patches = PatchSerializer(many=True, read_only=True)

    @extend_schema_field(serializers.ChoiceField(choices=SupportStatus.choices))
    def get_support_status(self, release: Release) -> str:
        return self.context["statuses"][release.pk]


class EligibilityQuerySerializer(serializers.Serializer):
    """The question: may my organisation file a case for this site and release now?"""

    site = serializers.CharField(max_length=40, help_text=_("A site code."))
    release = VisibleReleaseField(help_text=_("A release id (see /api/v1/releases/)."))


class ReasonSerializer(serializers.Serializer):
    """Why a case is not covered, in words, and what to do about it."""

    code = serializers.ChoiceField(choices=ReasonCode.choices, read_only=True)
    message = serializers.CharField(read_only=True)
    next_step = serializers.CharField(read_only=True)


class EligibilitySerializer(serializers.Serializer):
    eligible = serializers.BooleanField(read_only=True)
    site = serializers.CharField(read_only=True)
    release = serializers.IntegerField(read_only=True)
    site_date = serializers.DateField(read_only=True)
    release_status = serializers.ChoiceField(choices=SupportStatus.choices, read_only=True)
    contract = serializers.CharField(
        read_only=True,
        allow_null=True,
        help_text=_("The covering contract, when you may see it (a partner's stays private)."),
    )
    reasons = ReasonSerializer(many=True, read_only=True)
