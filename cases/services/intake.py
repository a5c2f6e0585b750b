"""Opening a case: eligibility, numbering, policy version and calendar (SLP-1..3, SLP-8, SLP-16)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Case, CaseEvent, Channel, EventKind
from cases.services._shared import (
    event_add,
    instant,
    lazy_text,
    optional_text,
    required_text,
    staff_required,
)
from cases.services.clocks import case_clocks_recompute
from cases.services.lifecycle import case_withdraw
from cases.services.notifications import case_email_received
from cases.services.promise import case_promise_for
from common.limits import CASE_TEXT_MAX_CHARS, TITLE_MAX_CHARS
from contracts.models import Membership, Organization, Patch, Release, Site, User
from contracts.services.eligibility import Eligibility, Reason, eligibility_check
from sla.models import PolicyVersion, Priority
from sla.services.calendars import calendar_for_site
from sla.services.policies import policy_version_in_force


class RequestTopic(models.TextChoices):
    """What the request is about; two topics are professional services, not support (SLP-16)."""

    SUPPORT = "support", _("A problem or a question about the software")
    PROFESSIONAL_SERVICES = (
        "professional_services",
        _("The SDK, custom toolpath development or a post-processor change"),
    )
    TRAINING = "training", _("Training, on-site help or consulting")


_TOPIC_REASONS = {
    RequestTopic.PROFESSIONAL_SERVICES: (
        _(
            "Requests about the SDK, custom toolpath development or post-processor changes "
            "are not covered by CONNECT support (SLP-16)."
        ),
        _(
            "Contact professional services through your CONNECT sales representative: "
            "they handle this work."
        ),
    ),
    RequestTopic.TRAINING: (
        _(
            "Training, on-site help, development, engineering or manufacturing consulting are "
            "not covered by CONNECT support (SLP-16)."
        ),
        _("Ask your CONNECT sales representative (or your partner) about training and services."),
    ),
}


class CaseNotEligible(ValidationError):
    """The request is not covered: the reasons and, for each, where to go instead."""

    def __init__(self, eligibility: Eligibility) -> None:
        self.eligibility = eligibility
        super().__init__(
            [
                ValidationError(
                    "%(message)s %(next_step)s",
                    code=reason.code,
                    params={"message": reason.message, "next_step": reason.next_step},
                )
                for reason in eligibility.reasons
            ]
        )

    @property
    def reasons(self) -> tuple[Reason, ...]:
        return self.eligibility.reasons

    @property
    def codes(self) -> tuple[str, ...]:
        return self.eligibility.codes

    def __str__(self) -> str:
        return " ".join(message.strip() for message in self.messages)


@dataclass(frozen=True)
class _Parties:
    """Who a new case is for, checked: covered organisation, end customer, reporter, contact."""

    organization: Organization
    end_customer: Organization | None
    reporter: User
    contact: User | None


def _is_member(user: User | None, organizations: list[Organization | None]) -> bool:
    ids = [org.pk for org in organizations if org is not None]
    return bool(
        user is not None
        and user.is_active
        and Membership.objects.filter(user=user, is_active=True, organization_id__in=ids).exists()
    )


def _parties(
    *,
    organization: Organization,
    end_customer: Organization | None,
    site: Site,
    reporter: User,
    contact: User | None,
) -> _Parties:
    """Check who the case is for; a partner's case for its end customer names it (SLP-1)."""
    if end_customer is None and site.organization.partner_id == organization.pk:
        end_customer = site.organization
    if end_customer is not None and end_customer.partner_id != organization.pk:
        message = _("%(org)s is not an end customer served by %(partner)s.")
        params = {"org": end_customer.name, "partner": organization.name}
        raise ValidationError({"end_customer": ValidationError(message, params=params)})
    if end_customer is not None and site.organization_id != end_customer.pk:
        raise ValidationError({"site": _("The site must belong to the end customer.")})
    # SLP-1: the partner files for its end customer, so the reporter belongs to the filer;
    # the end customer's people may still be the designated contact.
    if not _is_member(reporter, [organization]):
        message = _("The reporter must be an active member of %(org)s, which files the case.")
        params = {"org": organization.name}
        raise ValidationError({"reporter": ValidationError(message, params=params)})
    members_of = [organization, end_customer]
    if contact is None:
        technical = Membership.objects.filter(
            organization=organization, is_technical_contact=True, is_active=True
        ).select_related("user")
        contact = next((m.user for m in technical if m.user.is_active), None)
    elif not _is_member(contact, members_of):
        raise ValidationError(
            {"contact": _("The designated contact must be an active member of the organisation.")}
        )
    return _Parties(organization, end_customer, reporter, contact)


def _check_fields(
    *, channel: str, proposed_priority: str, release: Release, patch: Patch | None
) -> None:
    if channel not in Channel.values:
        raise ValidationError({"channel": _("Choose a channel from the list.")})
    if proposed_priority not in Priority.values:
        raise ValidationError({"proposed_priority": _("Choose a priority from P1 to P4.")})
    if patch is not None and patch.release_id != release.pk:
        raise ValidationError({"patch": _("The patch must belong to the chosen release.")})


def _received(received_at: datetime | None) -> datetime:
    received = instant(received_at)
    if received > timezone.now():
        raise ValidationError({"received_at": _("A case cannot be received in the future.")})
    return received


def _policy_version(received: datetime) -> PolicyVersion:
    """Return the policy version in force when the case was received, or refuse that date."""
    try:
        return policy_version_in_force(at=received)
    except PolicyVersion.DoesNotExist:
        raise ValidationError(
            {"received_at": _("No service-level policy was in force at that date: check it.")}
        ) from None


def _topic_reasons(topic: str) -> tuple[Reason, ...]:
    if topic not in RequestTopic.values:
        raise ValidationError({"topic": _("Choose what the request is about from the list.")})
    if topic not in _TOPIC_REASONS:
        return ()
    message, next_step = _TOPIC_REASONS[RequestTopic(topic)]
    return (Reason(topic, lazy_text(message), lazy_text(next_step)),)


def _case_create(parties: _Parties, received: datetime, **fields) -> tuple[Case, CaseEvent]:
    """Save a new case with its number, policy version and calendar, and its RECEIVED event."""
    case = Case.objects.create(
        organization=parties.organization,
        end_customer=parties.end_customer,
        reporter=parties.reporter,
        contact=parties.contact,
        received_at=received,
        policy_version=_policy_version(received),
        calendar=calendar_for_site(fields["site"]),
        **fields,
    )
    # The primary key is unique and comes from the database inside this transaction, so
    # concurrent intakes can never share a number.
    case.number = f"C-{case.pk:06d}"
    case.save(update_fields=["number"])
    event = event_add(
        case,
        EventKind.RECEIVED,
        by=parties.reporter,
        at=received,
        new=case.proposed_priority,
        data={"channel": case.channel},
    )
    return case, event


@transaction.atomic
def case_open(
    *,
    reporter: User,
    organization: Organization,
    site: Site,
    release: Release,
    title: str,
    description: str,
    proposed_priority: str,
    channel: str,
    end_customer: Organization | None = None,
    patch: Patch | None = None,
    environment: str = "",
    steps: str = "",
    business_impact: str = "",
    contact: User | None = None,
    received_at: datetime | None = None,
    topic: str = RequestTopic.SUPPORT,
) -> Case:
    """Open a covered case, or raise CaseNotEligible with the reasons and where to go."""
    _check_fields(
        channel=channel, proposed_priority=proposed_priority, release=release, patch=patch
    )
    title = required_text(
        title, field="title", message=_("Give the case a title."), limit=TITLE_MAX_CHARS
    )
    description = required_text(
        description,
        field="description",
        message=_("Describe the problem."),
        limit=CASE_TEXT_MAX_CHARS,
    )
    received = _received(received_at)
    parties = _parties(
        organization=organization,
        end_customer=end_customer,
        site=site,
        reporter=reporter,
        contact=contact,
    )
    eligibility = eligibility_check(
        organization=organization, site=site, release=release, at=received
    )
    reasons = (*eligibility.reasons, *_topic_reasons(topic))
    if reasons:
        raise CaseNotEligible(replace(eligibility, eligible=False, reasons=reasons))
    case, event = _case_create(
        parties,
        received,
        channel=channel,
        site=site,
        release=release,
        patch=patch,
        title=title,
        description=description,
        environment=optional_text(environment, field="environment", limit=CASE_TEXT_MAX_CHARS),
        steps=optional_text(steps, field="steps", limit=CASE_TEXT_MAX_CHARS),
        business_impact=optional_text(
            business_impact, field="business_impact", limit=CASE_TEXT_MAX_CHARS
        ),
        proposed_priority=proposed_priority,
    )
    case_clocks_recompute(case, now=timezone.now())
    # The receipt repeats the instants the form promised, from the same computation.
    case_email_received(case, event, case_promise_for(case))
    return case


@transaction.atomic
def case_record_withdrawn(
    *,
    by: User,
    reporter: User,
    organization: Organization,
    site: Site,
    release: Release,
    title: str,
    description: str,
    proposed_priority: str,
    channel: str,
    exclusion: str,
    explanation: str,
    end_customer: Organization | None = None,
    patch: Patch | None = None,
    contact: User | None = None,
    received_at: datetime | None = None,
    at: datetime | None = None,
) -> Case:
    """Record a request that is not covered as a withdrawn case, telling the customer why (SLP-16)."""
    staff_required(by)
    _check_fields(
        channel=channel, proposed_priority=proposed_priority, release=release, patch=patch
    )
    title = required_text(
        title, field="title", message=_("Give the case a title."), limit=TITLE_MAX_CHARS
    )
    description = required_text(
        description,
        field="description",
        message=_("Describe the request."),
        limit=CASE_TEXT_MAX_CHARS,
    )
    received = _received(received_at)
    parties = _parties(
        organization=organization,
        end_customer=end_customer,
        site=site,
        reporter=reporter,
        contact=contact,
    )
    case, _event = _case_create(
        parties,
        received,
        channel=channel,
        site=site,
        release=release,
        patch=patch,
        title=title,
        description=description,
        proposed_priority=proposed_priority,
    )
    return case_withdraw(case=case, by=by, exclusion=exclusion, explanation=explanation, at=at)
