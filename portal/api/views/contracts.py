"""Sites, contracts, releases and eligibility: read-only, scoped like the portal pages."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from contracts.models import Contract, Organization, Patch, Release, Site
from contracts.selectors import (
    release_list_for_user,
    site_get_for_user,
    site_list_for_user,
)
from contracts.services.eligibility import eligibility_check
from contracts.services.releases import support_statuses
from portal.api.permissions import IsMemberOrStaff
from portal.api.serializers.contracts import (
    ContractSerializer,
    EligibilityQuerySerializer,
    EligibilitySerializer,
    ReleaseSerializer,
    SiteSerializer,
)
from portal.permissions import membership_for
from portal.selectors.sites import (
    contract_list_with_visible_sites,
    site_row_get_for_user,
    site_rows_for_user,
)


@extend_schema(tags=["sites"])
class SiteViewSet(viewsets.ReadOnlyModelViewSet):
    """The sites you may see, with coverage today and the releases they run."""

    permission_classes = [IsMemberOrStaff]
    serializer_class = SiteSerializer
    lookup_field = "code"
    lookup_value_regex = "[^/]+"

    def get_queryset(self) -> QuerySet[Site]:
        return site_list_for_user(self.request.user)

    def list(self, request: Request) -> Response:
        # Page over primary keys first, so coverage is computed for one page only.
        page = self.paginate_queryset(self.get_queryset().values_list("pk", flat=True))
        rows = site_rows_for_user(request.user, sites=self.get_queryset().filter(pk__in=page))
        return self.get_paginated_response(self.get_serializer(rows, many=True).data)

    def retrieve(self, request: Request, code: str) -> Response:
        return Response(self.get_serializer(site_row_get_for_user(request.user, code)).data)


@extend_schema(tags=["contracts"])
class ContractViewSet(viewsets.ReadOnlyModelViewSet):
    """The contracts you may see, with their coverage today."""

    permission_classes = [IsMemberOrStaff]
    serializer_class = ContractSerializer
    lookup_field = "reference"
    lookup_value_regex = "[^/]+"

    def get_queryset(self) -> QuerySet[Contract]:
        return contract_list_with_visible_sites(self.request.user).order_by(
            "-end_date", "reference"
        )

    def get_serializer_context(self) -> dict:
        return {**super().get_serializer_context(), "today": timezone.localdate()}


@extend_schema(tags=["releases"])
@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("product", str, description="Only this product's releases (its code).")
        ]
    )
)
class ReleaseViewSet(viewsets.ReadOnlyModelViewSet):
    """Product releases with their support status today (SLP-2) and their patches."""

    permission_classes = [IsMemberOrStaff]
    serializer_class = ReleaseSerializer

    def get_queryset(self) -> QuerySet[Release]:
        releases = release_list_for_user(self.request.user).prefetch_related(
            Prefetch("patches", queryset=Patch.objects.order_by("-release_date", "-pk"))
        )
        product = self.request.query_params.get("product")
        if product:
            releases = releases.filter(product__code=product)
        return releases.order_by("product__name", "-release_date", "-pk")

    def get_serializer_context(self) -> dict:
        context = super().get_serializer_context()
        if self.request is not None and self.action in ("list", "retrieve"):
            # A status depends on every release of the product, not only this page's.
            every = release_list_for_user(self.request.user).select_related(None)
            context["statuses"] = support_statuses(
                every.only("pk", "product_id", "release_date"), on=timezone.localdate()
            )
        return context


def _filing_organization(user, site: Site) -> Organization:
    """Return who would file for the site: the member's organisation; for staff, the coverer."""
    membership = membership_for(user)
    if membership is not None:
        return membership.organization
    owner = site.organization
    return owner.partner if owner.partner_id else owner


@extend_schema(tags=["eligibility"])
class EligibilityView(APIView):
    """May your organisation file a covered case for this site and release now? And if not, why."""

    permission_classes = [IsMemberOrStaff]

    @extend_schema(
        parameters=[EligibilityQuerySerializer],
        responses={200: EligibilitySerializer},
    )
    def get(self, request: Request) -> Response:
        query = EligibilityQuerySerializer(data=request.query_params, context={"request": request})
        query.is_valid(raise_exception=True)
        site = site_get_for_user(request.user, query.validated_data["site"])
        release = query.validated_data["release"]
        answer = eligibility_check(
            organization=_filing_organization(request.user, site),
            site=site,
            release=release,
            at=timezone.now(),
        )
        contract = answer.contract
        visible = Organization.objects.visible_to(request.user)
        if contract is not None and not visible.filter(pk=contract.holder_id).exists():
            contract = None
        data = {
            "eligible": answer.eligible,
            "site": site.code,
            "release": release.pk,
            "site_date": answer.site_date,
            "release_status": answer.release_status,
            "contract": contract.reference if contract else None,
            "reasons": answer.reasons,
        }
        return Response(EligibilitySerializer(data).data)
