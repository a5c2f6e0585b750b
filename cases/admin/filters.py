"""Filters of the staff queue: SLA risk from the stored due instants, and the assignee."""

from __future__ import annotations

from datetime import datetime

from django.contrib import admin
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import OPEN_STATUSES, ClockState
from contracts.models import User

_COUNTING = (ClockState.RUNNING, ClockState.BREACHED)


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


class SlaRiskFilter(admin.SimpleListFilter):
    title = _("SLA")
    parameter_name = "sla"

    def lookups(self, request, model_admin):
        return [("breached", _("Breached")), ("at_risk", _("Breached or at risk"))]

    def queryset(self, request, queryset: QuerySet) -> QuerySet:
        now = timezone.now()
        if self.value() == "breached":
            return queryset.filter(breached_q(now), status__in=OPEN_STATUSES)
        if self.value() == "at_risk":
            return queryset.filter(breached_q(now) | at_risk_q(now), status__in=OPEN_STATUSES)
        return queryset


class AssigneeFilter(admin.SimpleListFilter):
    title = _("assignee")
    parameter_name = "assignee"

    def lookups(self, request, model_admin):
        staff = User.objects.filter(is_staff=True, is_active=True).order_by("full_name", "email")
        return [
            ("me", _("Me")),
            ("none", _("Unassigned")),
            *((str(user.pk), user.full_name or user.email) for user in staff),
        ]

    def queryset(self, request, queryset: QuerySet) -> QuerySet:
        value = self.value()
        if value == "me":
            return queryset.filter(assignee=request.user)
        if value == "none":
            return queryset.filter(assignee__isnull=True)
        if value and value.isdecimal():
            return queryset.filter(assignee_id=int(value))
        return queryset
