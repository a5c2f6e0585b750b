"""Case emails through the outbox: in each recipient's language, times in their time zone.

An email that asks the customer to act carries the path of the exact portal page (the case
page, at the section of the form: `#information`, `#reopen`, `#reply`, the ids of
portal/cases/detail.html) as `action_path`; the outbox makes it absolute on the recipient's
brand host or SITE_URL when it renders. A deadline reads in the recipient's zone and language.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterable
from datetime import datetime

from django.urls import reverse
from django.utils import dateformat, formats, translation
from django.utils.translation import gettext

from cases.models import Case, CaseEvent, EscalationLevel, Exclusion
from cases.services.promise import CasePromise, promise_opening_text
from contracts.models import Membership, User
from mail.models import Topic
from mail.services.outbox import outbox_enqueue
from sla.clocks import ResolutionKind
from sla.models import Priority


def case_customer_recipients(case: Case) -> list[User]:
    """Return the people a case's customer emails go to: reporter and designated contact."""
    people = []
    for user in (case.reporter, case.contact):
        if user is not None and user.is_active and user not in people:
            people.append(user)
    return people


def organization_case_followers(organization_ids: list[int]) -> list[User]:
    """Return the admins of these organisations who asked for emails about all their cases."""
    followers = {
        membership.user_id: membership.user
        for membership in Membership.objects.filter(
            organization_id__in=organization_ids,
            role=Membership.Role.ADMIN,
            is_active=True,
            user__is_active=True,
            user__contact_preference__organization_cases_opt_in=True,
        )
        .select_related("user")
        .order_by("user_id")
    }
    return list(followers.values())


def _zone(user: User) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(user.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def local_time_text(instant: datetime | None, user: User) -> str:
    """Return the instant in the user's zone and language, naming the zone; "" for None."""
    if instant is None:
        return ""
    zone = _zone(user)
    return f"{formats.date_format(instant.astimezone(zone), 'DATETIME_FORMAT')} ({zone.key})"


def deadline_text(instant: datetime, user: User) -> str:
    """Return a deadline in the user's zone and language, saying it is their time and zone."""
    zone = _zone(user)
    # Translators: a format of Django's date filter for a deadline in an email; "D j M Y, H:i"
    # reads "Tue 17 Mar 2026, 09:00". See
    # https://docs.djangoproject.com/en/5.2/ref/templates/builtins/#date
    when = dateformat.format(instant.astimezone(zone), gettext("D j M Y, H:i"))
    return gettext("%(when)s (your time, %(zone)s)") % {"when": when, "zone": zone.key}


def case_path(case: Case, section: str = "") -> str:
    """Return the path of the case's portal page, at one of its sections ("information")."""
    path = reverse("cases:detail", kwargs={"number": case.number})
    return f"{path}#{section}" if section else path


def hours_text(minutes: int) -> str:
    """Return support minutes as hours in the active language ("2.5", "2,5", "8")."""
    hours = minutes / 60
    return str(int(hours)) if hours.is_integer() else formats.number_format(round(hours, 2))


def _enqueue(
    case: Case,
    event: CaseEvent,
    users: Iterable[User],
    template: str,
    build,
    *,
    topic: str = "",
    automated: bool = True,
) -> int:
    """Queue one email per recipient, its context built in the recipient's language.

    The key is one per event and person: an event mails staff and customers different
    messages, but never the same person twice. An email about a case (`Topic.CASES`) also
    goes to the organisation's admins who follow all its cases (Topic.ORGANIZATION_CASES).
    """
    recipients = [(user, topic) for user in users]
    if topic == Topic.CASES:
        followers = organization_case_followers(
            [pk for pk in (case.organization_id, case.end_customer_id) if pk]
        )
        direct = {user.pk for user, _topic in recipients}
        recipients += [(u, Topic.ORGANIZATION_CASES) for u in followers if u.pk not in direct]
    queued = 0
    for user, user_topic in recipients:
        with translation.override(user.language):
            context = {
                "recipient_name": user.get_short_name(),
                "number": case.number,
                "title": case.title,
                "event_at": local_time_text(event.at, user),
                "case_path": case_path(case),
                **build(user),
            }
        outbox_enqueue(
            to_email=user.email,
            recipient=user,
            language=user.language,
            template=template,
            idempotency_key=f"case:{case.pk}:{event.pk}:{user.pk}",
            context=context,
            topic=user_topic,
            automated=automated,
        )
        queued += 1
    return queued


def case_email_received(case: Case, event: CaseEvent, promise: CasePromise) -> int:
    """Confirm receipt with the case number, the targets and the instants promised (SLP-5)."""

    def build(user: User) -> dict:
        return {
            "priority": str(Priority(case.proposed_priority).label),
            "response_hours": hours_text(promise.response_minutes),
            "resolution_hours": hours_text(promise.resolution_minutes),
            "response_due": local_time_text(promise.response_due, user),
            "resolution_due": local_time_text(promise.resolution_due, user),
            "support_opening": promise_opening_text(promise),
            "site": str(case.site),
            "action_path": case_path(case),
        }

    recipients = case_customer_recipients(case)
    return _enqueue(case, event, recipients, "case_received", build, topic=Topic.CASES)


def case_email_reply(case: Case, event: CaseEvent) -> int:
    """Send a public staff reply to the customer; internal notes never come here."""
    if not event.public:
        raise ValueError("internal notes are never emailed to customers")
    return _enqueue(
        case,
        event,
        case_customer_recipients(case),
        "case_reply",
        lambda user: {"body": event.body, "action_path": case_path(case, "reply")},
        topic=Topic.CASES,
        automated=False,
    )


def case_email_info_requested(case: Case, event: CaseEvent) -> int:
    """Ask the customer for the information support needs, linking to its form (SLP-8).

    The policy sets no deadline for the answer: the resolution clock waits for it instead.
    """
    return _enqueue(
        case,
        event,
        case_customer_recipients(case),
        "case_info_requested",
        lambda user: {"body": event.body, "action_path": case_path(case, "information")},
        # Always sent: the resolution clock waits on the answer (SLP-8).
        automated=False,
    )


def case_email_resolved(case: Case, event: CaseEvent) -> int:
    """Tell the customer how the case was resolved (SLP-10) and until when they may reopen it."""
    kind = ResolutionKind(event.data["kind"])
    until = case.reopen_until()

    def build(user: User) -> dict:
        return {
            "kind": kind.value,
            "kind_label": str(resolution_kind_label(kind)),
            "body": event.body,
            "plan": event.data.get("plan", ""),
            "action_path": case_path(case, "reopen"),
            "reopen_until": deadline_text(until, user) if until is not None else "",
            # A resolved case's page asks its one satisfaction question there.
            "rating_path": case_path(case, "rating"),
        }

    recipients = case_customer_recipients(case)
    return _enqueue(case, event, recipients, "case_resolved", build, topic=Topic.CASES)


def case_email_withdrawn(case: Case, event: CaseEvent, *, referral: str) -> int:
    """Tell the customer why the request is outside the policy and where to go (SLP-16)."""
    reason = Exclusion(event.data["exclusion"])

    def build(user: User) -> dict:
        return {
            "reason": str(reason.label),
            "body": event.body,
            "referral": str(referral),
            "action_path": case_path(case),
        }

    recipients = case_customer_recipients(case)
    return _enqueue(case, event, recipients, "case_withdrawn", build, topic=Topic.CASES)


def case_email_escalation(case: Case, event: CaseEvent, *, recipients: Iterable[User]) -> int:
    """Send the "Escalation Request" of SLP-12 to the people of the case's new level."""

    def build(user: User) -> dict:
        return {
            "level": event.data["level"],
            "level_label": str(EscalationLevel(event.data["level"]).label),
            "reason": event.body,
            "organization": case.organization.name,
            "priority": case.priority or case.proposed_priority,
            "requested_by": str(event.actor) if event.actor else "",
        }

    return _enqueue(case, event, recipients, "case_escalation", build)


def case_email_escalation_confirmed(case: Case, event: CaseEvent, *, by: User) -> int:
    """Confirm to the customer that the escalation was received and who reviews it (SLP-12)."""
    people = [*case_customer_recipients(case)]
    if not by.is_staff and by.is_active and by not in people:
        people.append(by)

    def build(user: User) -> dict:
        return {
            "level": event.data["level"],
            "level_label": str(EscalationLevel(event.data["level"]).label),
            "reason": event.body,
            "action_path": case_path(case),
        }

    return _enqueue(case, event, people, "case_escalation_confirmed", build, topic=Topic.CASES)


def case_email_customer_closed(case: Case, event: CaseEvent) -> int:
    """Tell the assignee that the customer marked the case solved or withdrew it."""
    assignee = case.assignee
    if assignee is None or not (assignee.is_active and assignee.is_staff):
        return 0

    def build(user: User) -> dict:
        return {
            "outcome": event.data["customer_close"],
            "reason": event.body,
            "organization": case.organization.name,
            "closed_by": str(event.actor) if event.actor else "",
        }

    return _enqueue(case, event, [assignee], "case_customer_closed", build)


def resolution_kind_label(kind: ResolutionKind | str) -> str:
    """Return the SLP-10 kind of a resolution in the active language."""
    labels = {
        ResolutionKind.SETTLED: gettext("(i) The incident is settled."),
        ResolutionKind.PLAN: gettext("(ii) A plan and timeline for the resolution."),
        ResolutionKind.NOT_A_DEFECT: gettext(
            "(iii) Not a bug or defect, or it cannot be resolved within the target."
        ),
    }
    return labels[ResolutionKind(kind)]
