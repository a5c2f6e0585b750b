"""The case page's header and side panel: the case row and what it points to, already loaded.

Everything here reads the case as cases.selectors.case_get_for_staff_page loads it (two queries)
and the stored clock columns, like the queue: no clock is recomputed for the header.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.utils.text import capfirst
from django.utils.translation import gettext as _

from cases.admin.badges import Badge, sla_badge
from cases.admin.page import choice_label, local_text
from cases.models import Case, Category, Channel, EscalationLevel, Exclusion, Status
from cases.services.clocks import case_support_calendar
from contracts.models import User


@dataclass(frozen=True)
class Fact:
    label: Any
    value: str
    tone: str = ""


def _label(name: str) -> str:
    return capfirst(Case._meta.get_field(name).verbose_name)


def _person(user: User | None) -> str:
    if user is None:
        return "-"
    return f"{user.full_name} <{user.email}>" if user.full_name else user.email


def case_badges(case: Case, *, now: datetime) -> list[tuple[str, Badge]]:
    """Return both clock badges, read from the row as the queue reads them."""
    engine = case_support_calendar(case)
    next_warn = case.sla_next_warn_at
    clocks = [
        (_("Response"), case.response_state, case.response_due_at, case.response_warned),
        (_("Resolution"), case.resolution_state, case.resolution_due_at, case.resolution_warned),
    ]
    return [
        (
            label,
            sla_badge(
                state,
                due_at,
                now=now,
                engine=engine,
                zone=case.site.time_zone,
                at_risk=warned or (next_warn is not None and next_warn <= now),
            ),
        )
        for label, state, due_at, warned in clocks
    ]


def case_header(case: Case) -> list[Fact]:
    """Return the header's facts: who, where, how urgent, in which state, whose."""
    organization = case.organization.name
    if case.end_customer is not None:
        organization = f"{case.end_customer.name} ({organization})"
    priority = case.priority or _("%(p)s proposed") % {"p": case.proposed_priority}
    facts = [
        Fact(_label("organization"), organization),
        Fact(_label("site"), f"{case.site.name} ({case.site.code})"),
        Fact(_label("priority"), priority, "priority"),
        Fact(_label("status"), choice_label(Status, case.status), f"status-{case.status}"),
        Fact(_label("assignee"), _person_short(case.assignee) or _("Nobody")),
    ]
    if case.escalation_level > EscalationLevel.NONE:
        level = choice_label(EscalationLevel, case.escalation_level)
        facts.append(Fact(_label("escalation_level"), level, "late"))
    return facts


def _person_short(user: User | None) -> str:
    return "" if user is None else user.full_name or user.email


def case_details(case: Case) -> list[Fact]:
    """Return the side panel's facts; optional ones only when set."""
    zone = ZoneInfo(case.site.time_zone)
    release = str(case.release)
    if case.patch is not None:
        release = _("%(release)s, patch %(patch)s") % {
            "release": release,
            "patch": case.patch.version,
        }
    facts = [
        Fact(_label("channel"), choice_label(Channel, case.channel)),
        Fact(_label("organization"), case.organization.name),
        Fact(_label("end_customer"), case.end_customer.name if case.end_customer else ""),
        Fact(_label("site"), f"{case.site} · {case.site.time_zone}"),
        Fact(_label("release"), release),
        Fact(_label("reporter"), _person(case.reporter)),
        Fact(_label("contact"), _person(case.contact)),
        Fact(_label("policy_version"), case.policy_version.name),
        Fact(_label("calendar"), case.calendar.name),
        Fact(_label("received_at"), local_text(case.received_at, zone)),
        Fact(_label("resolved_at"), local_text(case.resolved_at, zone) if case.resolved_at else ""),
        Fact(_label("closed_at"), local_text(case.closed_at, zone) if case.closed_at else ""),
        Fact(_label("category"), choice_label(Category, case.category) if case.category else ""),
        Fact(
            _label("exclusion"), choice_label(Exclusion, case.exclusion) if case.exclusion else ""
        ),
        Fact(_label("defect_reference"), case.defect_reference),
        Fact(_label("escalation_level"), choice_label(EscalationLevel, case.escalation_level)),
    ]
    return [fact for fact in facts if fact.value]


def case_texts(case: Case) -> list[Fact]:
    """Return the problem as the customer described it; empty texts left out."""
    names = ("description", "environment", "steps", "business_impact")
    return [Fact(_label(name), getattr(case, name)) for name in names if getattr(case, name)]
