"""Filters of the staff queue, as query conditions: one function per filter of the queue's form.

Each reads the case row's stored columns only (states, due instants, warnings raised, the next
due instant), so a filter never adds a join over the timeline or a subquery per case.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cases.models import OPEN_STATUSES, ClockState, EscalationLevel

_COUNTING = (ClockState.RUNNING, ClockState.BREACHED)

SLA_CHOICES = [("breached", _("Breached")), ("at_risk", _("Breached or at risk"))]
ESCALATED_CHOICES = [("yes", _("Escalated")), ("no", _("Not escalated"))]
# "none": support has not set a priority yet (a new case shows the customer's proposal).
PRIORITY_NONE = "none"
ASSIGNEE_ME, ASSIGNEE_NONE = "me", "none"


def breached_q(now: datetime) -> Q:
    """Cases with a clock past its due instant, whether or not the sweep has recorded it yet."""
    return (
        Q(response_state=ClockState.BREACHED)
        | Q(resolution_state=ClockState.BREACHED)
        | Q(response_state=ClockState.RUNNING, response_due_at__lte=now)
        | Q(
            resolution_state__in=(ClockState.RUNNING, ClockState.PAUSED),
            resolution_due_at__lte=now,
        )
    )


def at_risk_q(now: datetime) -> Q:
    """Cases past a warning threshold (raised, or due to be raised) and not yet stopped.

    The warnings raised are stored on the row by the clock recompute (response_warned, ...).
    """
    return (
        Q(sla_next_warn_at__lte=now)
        | Q(response_warned=True, response_state__in=_COUNTING)
        | Q(
            resolution_warned=True,
            resolution_state__in=(*_COUNTING, ClockState.PAUSED),
        )
    )


def sla_q(value: str, now: datetime) -> Q:
    """Open cases breached ("breached"), or breached or past a warning ("at_risk")."""
    if value == "breached":
        return Q(breached_q(now), status__in=OPEN_STATUSES)
    if value == "at_risk":
        return Q(breached_q(now) | at_risk_q(now), status__in=OPEN_STATUSES)
    raise ValueError(f"unknown SLA filter {value!r}")


def assignee_q(value: str, user) -> Q:
    """Cases of the staff member ("me"), of nobody ("none"), or of the staff member with this id."""
    if value == ASSIGNEE_ME:
        return Q(assignee=user)
    if value == ASSIGNEE_NONE:
        return Q(assignee__isnull=True)
    return Q(assignee_id=int(value))


def priority_q(value: str) -> Q:
    """Cases support set to this priority, or ("none") cases with no priority set yet."""
    return Q(priority="") if value == PRIORITY_NONE else Q(priority=value)


def organization_q(pk: int) -> Q:
    """Cases the organisation is covered for, or files as a partner's end customer."""
    return Q(organization_id=pk) | Q(end_customer_id=pk)


def escalated_q(value: str) -> Q:
    """Cases escalated at any level ("yes"), or not escalated ("no")."""
    escalated = Q(escalation_level__gt=EscalationLevel.NONE)
    return escalated if value == "yes" else ~escalated


def search_q(text: str) -> Q:
    """Cases whose number, title, organisation or end customer contains the text."""
    return (
        Q(number__icontains=text)
        | Q(title__icontains=text)
        | Q(organization__name__icontains=text)
        | Q(end_customer__name__icontains=text)
    )
