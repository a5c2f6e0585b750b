"""Escalation (SLP-12): supervisor, then support management, then executive sponsor or CSM."""

from __future__ import annotations

import logging
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from cases.models import OPEN_STATUSES, Case, EscalationLevel, EventKind, Status
from cases.services._shared import (
    case_finish,
    case_locked,
    customer_may_act,
    event_add,
    instant,
    required_text,
)
from cases.services.notifications import case_email_escalation, case_email_escalation_confirmed
from common.limits import REASON_MAX_CHARS
from contracts.models import User
from contracts.roles import StaffRole

logger = logging.getLogger(__name__)

_LEVEL_ROLES = {
    EscalationLevel.SUPERVISOR: StaffRole.SUPERVISOR,
    EscalationLevel.SUPPORT_MANAGEMENT: StaffRole.SUPPORT_MANAGEMENT,
    EscalationLevel.EXECUTIVE_SPONSOR: StaffRole.EXECUTIVE_SPONSOR,
}
_ESCALABLE = (*OPEN_STATUSES, Status.RESOLVED)


class EscalationRefused(ValidationError):
    """An escalation that cannot go ahead: the case is final or already at the top level."""

    def __init__(self, message, *, code: str) -> None:
        super().__init__(message, code=code)

    def __str__(self) -> str:
        return " ".join(self.messages)


def escalation_recipients(case: Case, level: int) -> list[User]:
    """Return who reviews the case at an escalation level: the organisation's CSM if any at 3."""
    if level == EscalationLevel.EXECUTIVE_SPONSOR:
        for organization in (case.organization, case.end_customer):
            manager = organization.success_manager if organization else None
            if manager is not None and manager.is_active and manager.is_staff:
                return [manager]
    group = _LEVEL_ROLES[EscalationLevel(level)].label_en
    return list(
        User.objects.filter(groups__name=group, is_active=True, is_staff=True)
        .order_by("email")
        .distinct()
    )


@transaction.atomic
def case_escalate(*, case: Case, by: User, reason: str, at: datetime | None = None) -> Case:
    """Move the case to the next review level and send its people the Escalation Request."""
    reason = required_text(
        reason,
        field="reason",
        message=_("Say why you escalate: a reason is required (SLP-12)."),
        limit=REASON_MAX_CHARS,
    )
    case = case_locked(case)
    at = instant(at, case)
    customer_may_act(case, by)
    if case.status not in _ESCALABLE:
        raise EscalationRefused(
            _(
                "A closed or withdrawn case cannot be escalated: open a new case and quote its number."
            ),
            code="final",
        )
    if case.escalation_level >= EscalationLevel.EXECUTIVE_SPONSOR:
        raise EscalationRefused(
            _(
                "This case is already escalated to the highest level: the executive sponsor or "
                "customer success manager is reviewing it."
            ),
            code="top_level",
        )
    level = EscalationLevel(case.escalation_level + 1)
    recipients = escalation_recipients(case, level)
    event = event_add(
        case,
        EventKind.ESCALATION,
        by=by,
        at=at,
        body=reason,
        old=case.escalation_level,
        new=int(level),
        data={"level": int(level)},
    )
    case.escalation_level = level
    case_finish(case, at, ["escalation_level"])
    if not recipients:
        logger.error("case %s escalated to level %s but nobody holds that role", case.number, level)
    case_email_escalation(case, event, recipients=recipients)
    case_email_escalation_confirmed(case, event, by=by)
    return case
