"""What a customer does on its own case: close it as solved or withdrawn, and when it may escalate.

Both rules read the case and its clocks only, so the portal offers exactly what the services
accept and can say when an action becomes possible (SLP-10, SLP-12).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from cases.models import OPEN_STATUSES, Case, ClockState, EscalationLevel, EventKind, Status
from cases.services._shared import (
    case_finish,
    case_locked,
    customer_may_act,
    event_add,
    instant,
    optional_text,
    status_move,
)
from cases.services.notifications import case_email_customer_closed
from common.limits import REASON_MAX_CHARS
from contracts.models import User
from sla.clocks import Clocks, ClockStatus, ResolutionKind


class CustomerClose(StrEnum):
    """How a customer ended its case, as the CLOSED event's data["customer_close"] says."""

    SOLVED = "solved"
    WITHDRAWN = "withdrawn"


@transaction.atomic
def case_customer_close(
    *, case: Case, by: User, solved: bool, reason: str = "", at: datetime | None = None
) -> Case:
    """Close an open case at the customer's word, as solved or withdrawn; the clocks stop.

    The timeline records the customer as the actor of every event, and a CLOSED event (its
    data["customer_close"] says which, its body the optional reason) stops both clocks.

    How the targets count (SLP-5, SLP-10; decision of this service):
    - Solved: the incident is settled, kind (i) of SLP-10, at that instant. A started
      resolution clock stops there: met when within its target, missed when past it (the
      customer's word does not rescue a late case). A resolution clock not yet started (no
      priority, or the first information still outstanding, SLP-8) had no target running:
      it is withdrawn, never met. The case goes resolved then closed; a problem that comes
      back is a new case quoting this number.
    - Withdrawn: nothing was resolved. Every clock still counting stops and is withdrawn,
      never met; a clock already past due stays breached, as when any case is closed
      (sla.clocks.compute: closing does not erase a broken promise).
    - The response clock is never stopped by the customer (SLP-9 needs support's reply):
      without one it is withdrawn, or breached when already past due.
    A new case, which support has not triaged, can only be withdrawn: the state machine
    (cases.transitions) has no move from "new" to "resolved".
    The assignee, if any, is told by email; the case leaves the queue either way.
    """
    if by.is_staff:
        raise PermissionDenied(_("Support ends a case through its own actions, not this one."))
    reason = optional_text(reason, field="reason", limit=REASON_MAX_CHARS)
    case = case_locked(case)
    at = instant(at, case)
    customer_may_act(case, by)
    outcome = CustomerClose.SOLVED if solved else CustomerClose.WITHDRAWN
    if case.status not in OPEN_STATUSES:
        raise ValidationError(
            _("Only an open case can be marked solved or withdrawn."), code="not_open"
        )
    if solved:
        fields = _solve(case, by=by, at=at, reason=reason)
    else:
        status_move(case, Status.WITHDRAWN, by=by, at=at)
        fields = ["status"]
    data = {"customer_close": str(outcome)}
    event = event_add(case, EventKind.CLOSED, by=by, at=at, body=reason, data=data)
    case_finish(case, at, fields)
    case_email_customer_closed(case, event)
    return case


def _solve(case: Case, *, by: User, at: datetime, reason: str) -> list[str]:
    """Record the customer's resolution and close the case; return the fields changed."""
    status_move(
        case,
        Status.RESOLVED,
        by=by,
        at=at,
        detail=_("Support has not started on this case yet: withdraw it instead."),
    )
    # Stored at the last recompute; a clock starts only at an event, so it is current.
    if case.resolution_state != ClockState.NOT_STARTED:
        data = {"kind": str(ResolutionKind.SETTLED), "plan": "", "customer_close": "solved"}
        kind = ResolutionKind.SETTLED
        event_add(case, EventKind.RESOLUTION, by=by, at=at, body=reason, new=kind, data=data)
    case.resolved_at = at
    status_move(case, Status.CLOSED, by=by, at=at)
    case.closed_at = at
    return ["status", "resolved_at", "closed_at"]


def customer_may_solve(case: Case) -> bool:
    """Tell whether the case may be marked solved now (else only withdrawn, or neither)."""
    return case.status in OPEN_STATUSES and case.status != Status.NEW


class EscalationRule(StrEnum):
    """Why a customer may escalate now, or not (SLP-12)."""

    BREACHED = "breached"  # a target was missed: "not resolved in time"
    PROGRESS = "progress"  # support has answered: "not satisfied with progress"
    NOT_YET = "not_yet"  # no answer yet and none overdue: nothing to judge before `opens_at`
    RESOLVED = "resolved"  # reopen it instead, within the window
    FINAL = "final"  # closed or withdrawn: a new case quotes this number
    TOP_LEVEL = "top_level"  # the executive sponsor or CSM already reviews it


@dataclass(frozen=True)
class EscalationWindow:
    """Whether the customer may escalate the case now and, if not yet, from when."""

    rule: EscalationRule
    opens_at: datetime | None = None

    @property
    def allowed(self) -> bool:
        return self.rule in (EscalationRule.BREACHED, EscalationRule.PROGRESS)


def escalation_window(case: Case, clocks: Clocks) -> EscalationWindow:
    """Return when the customer may escalate the case, from its status and clocks (SLP-12).

    SLP-12 lets the customer escalate an incident "not resolved in time" or when "not
    satisfied with progress". Read as: at once when a clock is breached; once support has
    answered (the response clock stopped), there is progress to judge, so at any time; before
    that answer, from the instant the response falls due, when the case would be breached.
    A resolved case is reopened rather than escalated, a final one is not escalated, and
    nothing is above the third level.
    """
    if case.status in (Status.CLOSED, Status.WITHDRAWN):
        return EscalationWindow(EscalationRule.FINAL)
    if case.status == Status.RESOLVED:
        return EscalationWindow(EscalationRule.RESOLVED)
    if case.escalation_level >= EscalationLevel.EXECUTIVE_SPONSOR:
        return EscalationWindow(EscalationRule.TOP_LEVEL)
    if any(clock.state is ClockStatus.BREACHED for clock in clocks):
        return EscalationWindow(EscalationRule.BREACHED)
    if clocks.response.state in (ClockStatus.MET, ClockStatus.MISSED):
        return EscalationWindow(EscalationRule.PROGRESS)
    return EscalationWindow(EscalationRule.NOT_YET, opens_at=clocks.response.due_at)
