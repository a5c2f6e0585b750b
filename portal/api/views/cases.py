"""Cases, their comments and escalations: tenant-scoped reads, writes through the case services."""

from __future__ import annotations

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import generics, mixins, serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from cases.models import OPEN_STATUSES, Case, CaseEvent, Channel, EventKind, Status
from cases.selectors import case_events_for_user, case_get_for_user, case_list_for_user
from cases.services import case_comment, case_escalate, case_open
from portal.api.errors import service_errors
from portal.api.idempotency import IdempotentPostMixin
from portal.api.permissions import IsMemberOrStaff, api_write_check
from portal.api.serializers.cases import (
    CaseCreateSerializer,
    CaseDetailSerializer,
    CaseListSerializer,
    CommentCreateSerializer,
    CommentSerializer,
    EscalationCreateSerializer,
    EscalationSerializer,
    RefusalSerializer,
)
from portal.permissions import membership_for

STATUS_FILTER = OpenApiParameter(
    "status",
    str,
    enum=["open", *Status.values],
    description="Only cases in this status; 'open' for every open status.",
)
NUMBER = OpenApiParameter(
    "number", str, OpenApiParameter.PATH, description="Case number (C-000123)."
)
NOT_ELIGIBLE = OpenApiExample(
    "Not covered",
    status_codes=["400"],
    response_only=True,
    value={
        "detail": "CONNECT support does not cover this request.",
        "code": "not_eligible",
        "reasons": [
            {
                "code": "no_active_contract",
                "message": "Site ACME-CHI has no active CONNECT contract on March 2, 2026 "
                "(site time). Its last contract, ACME-001, ended on Feb. 28, 2026.",
                "next_step": "Renew the site's CONNECT contract (through your partner if you "
                "have one), then file again.",
            }
        ],
    },
)
BAD_INPUT = OpenApiResponse(
    RefusalSerializer, description="Field errors by field name, or a refusal with a code."
)
BAD_CASE = OpenApiResponse(
    RefusalSerializer,
    description="Field errors by field name, or a refusal with a code and, when the request "
    "is not covered, every reason with its next step.",
    examples=[NOT_ELIGIBLE],
)


@extend_schema(tags=["cases"])
@extend_schema_view(
    list=extend_schema(parameters=[STATUS_FILTER]),
    retrieve=extend_schema(responses=CaseDetailSerializer),
    create=extend_schema(
        request=CaseCreateSerializer, responses={201: CaseDetailSerializer, 400: BAD_CASE}
    ),
)
class CaseViewSet(
    IdempotentPostMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Your organisation's cases (and those of the end customers you serve), newest first."""

    permission_classes = [IsMemberOrStaff]
    lookup_field = "number"
    lookup_value_regex = "[^/]+"

    def get_serializer_class(self) -> type[serializers.Serializer]:
        return {"retrieve": CaseDetailSerializer, "create": CaseCreateSerializer}.get(
            self.action, CaseListSerializer
        )

    def get_queryset(self) -> QuerySet[Case]:
        cases = case_list_for_user(self.request.user).select_related("release__product")
        wanted = self.request.query_params.get("status")
        if wanted == "open":
            return cases.filter(status__in=OPEN_STATUSES)
        if wanted:
            if wanted not in Status.values:
                raise serializers.ValidationError(
                    {"status": [_("Choose 'open' or one of: %s.") % ", ".join(Status.values)]}
                )
            return cases.filter(status=wanted)
        return cases

    def retrieve(self, request: Request, number: str) -> Response:
        return Response(self._detail(case_get_for_user(request.user, number)))

    def create(self, request: Request) -> Response:
        api_write_check(request.user, staff=False)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            case = case_open(
                reporter=request.user,
                organization=membership_for(request.user).organization,
                channel=Channel.API,
                **serializer.validated_data,
            )
        location = reverse("api:case-detail", kwargs={"number": case.number})
        data = self._detail(case_get_for_user(request.user, case.number))
        return Response(data, status=status.HTTP_201_CREATED, headers={"Location": location})

    def _detail(self, case: Case) -> dict:
        # Customers get the public timeline only: internal notes never leave the building.
        case.timeline = list(case_events_for_user(self.request.user, case))
        return CaseDetailSerializer(case, context=self.get_serializer_context()).data


class _CaseChildView(IdempotentPostMixin, mixins.ListModelMixin, generics.GenericAPIView):
    """A list of one kind of event on a case, and a way to add one."""

    permission_classes = [IsMemberOrStaff]
    kind: EventKind

    def case(self) -> Case:
        """Return the case named in the URL: 404 alike for missing and another tenant's."""
        return case_get_for_user(self.request.user, self.kwargs["number"])

    def get_queryset(self) -> QuerySet[CaseEvent]:
        return case_events_for_user(self.request.user, self.case()).filter(kind=self.kind)

    def created(self, case: Case) -> Response:
        event = (
            CaseEvent.objects.filter(case=case, kind=self.kind, actor=self.request.user)
            .select_related("actor")
            .latest("id")
        )
        return Response(self.get_serializer(event).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["cases"])
@extend_schema_view(
    get=extend_schema(parameters=[NUMBER]),
    post=extend_schema(
        parameters=[NUMBER],
        request=CommentCreateSerializer,
        responses={201: CommentSerializer, 400: BAD_INPUT},
    ),
)
class CaseCommentsView(_CaseChildView):
    """Comments on a case: customers see public ones; staff see internal notes too."""

    serializer_class = CommentSerializer
    kind = EventKind.COMMENT

    def get(self, request: Request, number: str) -> Response:
        return self.list(request)

    def post(self, request: Request, number: str) -> Response:
        case = self.case()
        api_write_check(request.user)
        serializer = CommentCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            case = case_comment(case=case, by=request.user, **serializer.validated_data)
        return self.created(case)


@extend_schema(tags=["cases"])
@extend_schema_view(
    get=extend_schema(parameters=[NUMBER]),
    post=extend_schema(
        parameters=[NUMBER],
        request=EscalationCreateSerializer,
        responses={201: EscalationSerializer, 400: BAD_INPUT},
    ),
)
class CaseEscalationsView(_CaseChildView):
    """Escalations of a case (SLP-12): each moves it to the next review level."""

    serializer_class = EscalationSerializer
    kind = EventKind.ESCALATION

    def get(self, request: Request, number: str) -> Response:
        return self.list(request)

    def post(self, request: Request, number: str) -> Response:
        case = self.case()
        api_write_check(request.user)
        serializer = EscalationCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            case = case_escalate(case=case, by=request.user, **serializer.validated_data)
        return self.created(case)
