"""Reads of the cases app for the portal, the admin and the API; each starts from visible_to(user)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from cases.models import Attachment, Case, CaseEvent


def case_list_for_user(user) -> QuerySet[Case]:
    """Return the cases the user may see, with what a list row shows loaded."""
    return Case.objects.visible_to(user).select_related(
        "organization", "end_customer", "site", "assignee", "reporter"
    )


def case_get_for_user(user, number: str) -> Case:
    """Return the user's case with this number; 404 alike for missing and not yours."""
    case = (
        case_list_for_user(user)
        .select_related("release__product", "patch", "contact", "policy_version", "calendar")
        .filter(number=number)
        .first()
    )
    if case is None:
        raise Http404("No such case")
    return case


def case_public_events(case: Case) -> QuerySet[CaseEvent]:
    """Return the events a customer may see: never internal notes or staff-only events."""
    return case_all_events(case).filter(public=True)


def case_all_events(case: Case) -> QuerySet[CaseEvent]:
    """Return the whole timeline, internal notes included (staff only)."""
    return case.events.select_related("actor", "attachment").order_by("at", "id")


def case_events_for_user(user, case: Case) -> QuerySet[CaseEvent]:
    """Return the timeline as this user may see it: all for staff, public events for customers."""
    return case_all_events(case) if user.is_staff else case_public_events(case)


def attachment_get_for_user(user, pk: int) -> Attachment:
    """Return an attachment of a case the user may see; 404 for other tenants and, to customers,
    for internal attachments."""
    attachments = Attachment.objects.filter(case__in=Case.objects.visible_to(user))
    if not user.is_staff:
        attachments = attachments.filter(public=True)
    attachment = attachments.select_related("case").filter(pk=pk).first()
    if attachment is None:
        raise Http404("No such attachment")
    return attachment
