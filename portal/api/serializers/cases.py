"""Cases, their comments and escalations as the API shows them.

Only public state: the clocks' state and due instants, never the sweep's bookkeeping
(``sla_next_*``, ``next_update_due_at``), the policy or calendar rows, or internal events.
"""

from __future__ import annotations

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.fields import empty

from cases.models import (
    Case,
    CaseEvent,
    Category,
    Channel,
    ClockState,
    EscalationLevel,
    EventKind,
    Exclusion,
    Status,
)
from cases.services import RequestTopic
from common.limits import (
    CASE_TEXT_MAX_CHARS,
    COMMENT_MAX_CHARS,
    REASON_MAX_CHARS,
    TITLE_MAX_CHARS,
    max_chars,
)
from contracts.models import Patch
from portal.api.serializers.contracts import VisibleReleaseField, VisibleSiteField
from sla.models import Priority


def person_name(user) -> str | None:
    """Return how a person is named to customers; staff without a name are 'CONNECT Support'."""
    if user is None:
        return None
    if user.full_name:
        return user.full_name
    return gettext("CONNECT Support") if user.is_staff else user.email


class ResponseClockSerializer(serializers.Serializer):
    state = serializers.ChoiceField(
        source="response_state", choices=ClockState.choices, read_only=True
    )
    due_at = serializers.DateTimeField(source="response_due_at", read_only=True, allow_null=True)


class ResolutionClockSerializer(serializers.Serializer):
    state = serializers.ChoiceField(
        source="resolution_state", choices=ClockState.choices, read_only=True
    )
    due_at = serializers.DateTimeField(source="resolution_due_at", read_only=True, allow_null=True)


class ClocksSerializer(serializers.Serializer):
    """The response and resolution clocks (SLP-7..10): state and due instant."""

    response = ResponseClockSerializer(source="*", read_only=True)
    resolution = ResolutionClockSerializer(source="*", read_only=True)


class CaseReleaseSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    product = serializers.CharField(source="product.code", read_only=True)
    product_name = serializers.CharField(source="product.name", read_only=True)
    version = serializers.CharField(read_only=True)


class CasePatchSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    version = serializers.CharField(read_only=True)


class CaseListSerializer(serializers.Serializer):
    number = serializers.CharField(read_only=True)
    title = serializers.CharField(read_only=True)
    status = serializers.ChoiceField(choices=Status.choices, read_only=True)
    priority = serializers.ChoiceField(choices=Priority.choices, read_only=True, allow_blank=True)
    proposed_priority = serializers.ChoiceField(choices=Priority.choices, read_only=True)
    category = serializers.ChoiceField(choices=Category.choices, read_only=True, allow_blank=True)
    channel = serializers.ChoiceField(choices=Channel.choices, read_only=True)
    organization = serializers.CharField(source="organization.name", read_only=True)
    end_customer = serializers.CharField(
        source="end_customer.name", read_only=True, allow_null=True
    )
    site = serializers.CharField(source="site.code", read_only=True)
    release = CaseReleaseSerializer(read_only=True)
    escalation_level = serializers.ChoiceField(choices=EscalationLevel.choices, read_only=True)
    received_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)
    resolved_at = serializers.DateTimeField(read_only=True, allow_null=True)
    closed_at = serializers.DateTimeField(read_only=True, allow_null=True)
    clocks = ClocksSerializer(source="*", read_only=True)


class AuthoredSerializer(serializers.Serializer):
    """An event shown with who wrote it."""

    author = serializers.SerializerMethodField()
    by_staff = serializers.SerializerMethodField()

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_author(self, event: CaseEvent) -> str | None:
        return person_name(event.actor)

    def get_by_staff(self, event: CaseEvent) -> bool:
        return bool(event.actor and event.actor.is_staff)


class EventSerializer(AuthoredSerializer):
    """One timeline event; customers only ever receive public ones."""

    id = serializers.IntegerField(read_only=True)
    at = serializers.DateTimeField(read_only=True)
    kind = serializers.ChoiceField(choices=EventKind.choices, read_only=True)
    body = serializers.CharField(read_only=True)
    old_value = serializers.CharField(read_only=True)
    new_value = serializers.CharField(read_only=True)
    public = serializers.BooleanField(read_only=True)


class CaseDetailSerializer(CaseListSerializer):
    description = serializers.CharField(read_only=True)
    environment = serializers.CharField(read_only=True)
    steps = serializers.CharField(read_only=True)
    business_impact = serializers.CharField(read_only=True)
    patch = CasePatchSerializer(read_only=True, allow_null=True)
    exclusion = serializers.ChoiceField(choices=Exclusion.choices, read_only=True, allow_blank=True)
    reporter = serializers.SerializerMethodField()
    contact = serializers.SerializerMethodField()
    timeline = EventSerializer(many=True, read_only=True, help_text=_("Oldest first."))

    @extend_schema_field(serializers.CharField())
    def get_reporter(self, case: Case) -> str | None:
        return person_name(case.reporter)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_contact(self, case: Case) -> str | None:
        return person_name(case.contact)


class CaseCreateSerializer(serializers.Serializer):
    """A new case, opened through the API (channel "api") under the same rules as the portal."""

    site = VisibleSiteField(help_text=_("The code of one of your sites."))
    release = VisibleReleaseField(help_text=_("The release id (see /api/v1/releases/)."))
    patch = serializers.PrimaryKeyRelatedField(
        queryset=Patch.objects.all(), required=False, allow_null=True
    )
    title = serializers.CharField(validators=[max_chars(TITLE_MAX_CHARS)])
    description = serializers.CharField(validators=[max_chars(CASE_TEXT_MAX_CHARS)])
    proposed_priority = serializers.ChoiceField(choices=Priority.choices)
    environment = serializers.CharField(
        required=False, allow_blank=True, default="", validators=[max_chars(CASE_TEXT_MAX_CHARS)]
    )
    steps = serializers.CharField(
        required=False, allow_blank=True, default="", validators=[max_chars(CASE_TEXT_MAX_CHARS)]
    )
    business_impact = serializers.CharField(
        required=False, allow_blank=True, default="", validators=[max_chars(CASE_TEXT_MAX_CHARS)]
    )
    topic = serializers.ChoiceField(
        choices=RequestTopic.choices, required=False, default=RequestTopic.SUPPORT
    )


class RefusalReasonSerializer(serializers.Serializer):
    code = serializers.CharField(
        read_only=True,
        help_text=_(
            "organization_suspended, end_customer, not_entitled, no_active_contract, "
            "release_unsupported, release_upcoming, professional_services or training."
        ),
    )
    message = serializers.CharField(read_only=True)
    next_step = serializers.CharField(read_only=True)


class RefusalSerializer(serializers.Serializer):
    """A request the rules refuse: a code to branch on, words to show, reasons if several."""

    # Not read-only, so the schema requires none of them: a 400 is either field errors by
    # field name or detail and code, with reasons only when the request is not covered.
    detail = serializers.CharField(required=False)
    code = serializers.CharField(required=False)
    reasons = RefusalReasonSerializer(many=True, required=False)


class CommentSerializer(AuthoredSerializer):
    id = serializers.IntegerField(read_only=True)
    at = serializers.DateTimeField(read_only=True)
    body = serializers.CharField(read_only=True)
    public = serializers.BooleanField(read_only=True)


class PublicByDefaultField(serializers.BooleanField):
    # A form post that leaves the box out still means "public", unlike an HTML checkbox.
    default_empty_html = empty


class CommentCreateSerializer(serializers.Serializer):
    body = serializers.CharField(validators=[max_chars(COMMENT_MAX_CHARS)])
    public = PublicByDefaultField(
        required=False,
        default=True,
        help_text=_(
            "Only staff may write internal notes (public=false); customers' comments are always public."
        ),
    )


class EscalationSerializer(AuthoredSerializer):
    id = serializers.IntegerField(read_only=True)
    at = serializers.DateTimeField(read_only=True)
    level = serializers.SerializerMethodField()
    reason = serializers.CharField(source="body", read_only=True)

    @extend_schema_field(serializers.ChoiceField(choices=EscalationLevel.choices))
    def get_level(self, event: CaseEvent) -> int:
        return int(event.data.get("level") or event.new_value)


class EscalationCreateSerializer(serializers.Serializer):
    reason = serializers.CharField(
        help_text=_("Why the case needs more attention (SLP-12)."),
        validators=[max_chars(REASON_MAX_CHARS)],
    )
