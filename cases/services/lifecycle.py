"""The case lifecycle after intake: one service per verb (DESIGN.md, Case lifecycle; SLP-7..11, SLP-16).

Every service locks the case row, re-checks its status inside the transaction (so of two
agents resolving at once, the second is refused), appends its timeline events, recomputes the
clocks from the timeline and queues its emails in the same transaction.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from cases.models import Case, Category, EventKind, Exclusion, Status
from cases.services._shared import (
    case_finish,
    case_locked,
    customer_may_act,
    event_add,
    instant,
    lazy_text,
    optional_text,
    required_text,
    response_if_first,
    staff_required,
    status_move,
)
from cases.services.notifications import (
    case_email_info_requested,
    case_email_reply,
    case_email_resolved,
    case_email_withdrawn,
)
from cases.transitions import TransitionRefused
from common.limits import COMMENT_MAX_CHARS, REASON_MAX_CHARS, REFERENCE_MAX_CHARS
from contracts.models import User
from sla.clocks import DefectKind, ResolutionKind
from sla.models import Priority

_FINAL = (Status.CLOSED, Status.WITHDRAWN)
_TRIAGE_CATEGORIES = (Category.QUESTION, Category.PROBLEM)
_DEFECT_CATEGORIES = (Category.BUG, Category.DEFECT)

_REFERRALS = {
    Exclusion.NO_CONTRACT: _(
        "Renew the site's CONNECT contract (through your partner if you have one), then file again."
    ),
    Exclusion.UNSUPPORTED_RELEASE: _(
        "Upgrade to the current or the previous release (SLP-2), then file again."
    ),
    Exclusion.MODIFIED: _(
        "Reinstall an unmodified copy of the software; file again if the problem remains."
    ),
    Exclusion.HARDWARE: _(
        "Have the hardware checked by its supplier; file again if the software still misbehaves."
    ),
    Exclusion.OBSOLETE_ENVIRONMENT: _(
        "Move to hardware and an operating environment within the system requirements, "
        "then file again."
    ),
    Exclusion.TRAINING: _(
        "Ask your CONNECT sales representative (or your partner) about training and services."
    ),
    Exclusion.PROFESSIONAL_SERVICES: _(
        "Contact professional services through your CONNECT sales representative: they handle "
        "SDK, custom toolpath and post-processor work."
    ),
}


def exclusion_referral(exclusion: str) -> str:
    """Return where a customer goes with a request excluded for this reason (SLP-16)."""
    return _REFERRALS[Exclusion(exclusion)]


def _refuse_unchanged(message) -> None:
    raise ValidationError(message, code="unchanged")


@transaction.atomic
def case_triage(
    *, case: Case, by: User, priority: str, category: str | None = None, at: datetime | None = None
) -> Case:
    """Set (or change) the priority and category; a new case becomes triaged (SLP-4, SLP-8)."""
    staff_required(by)
    case = case_locked(case)
    at = instant(at, case)
    if priority not in Priority.values:
        raise ValidationError({"priority": _("Choose a priority from P1 to P4.")})
    if category is not None and category not in _TRIAGE_CATEGORIES:
        raise ValidationError(
            {
                "category": _(
                    "Triage sets a question or a problem; bugs, defects and "
                    "out-of-scope requests have their own actions."
                )
            }
        )
    if not case.is_open:
        raise TransitionRefused(case.status, Status.TRIAGED)
    if category is not None and case.category in _DEFECT_CATEGORIES:
        raise ValidationError({"category": _("A bug or defect classification is kept (SLP-7).")})
    changed = []
    if case.status == Status.NEW:
        status_move(case, Status.TRIAGED, by=by, at=at)
        changed.append("status")
    if priority != case.priority:
        event_add(case, EventKind.PRIORITY, by=by, at=at, old=case.priority, new=priority)
        case.priority = priority
        changed.append("priority")
    if category is not None and category != case.category:
        event_add(case, EventKind.CLASSIFICATION, by=by, at=at, old=case.category, new=category)
        case.category = category
        changed.append("category")
    if not changed:
        _refuse_unchanged(_("The case already has this priority and category."))
    case_finish(case, at, changed)
    return case


@transaction.atomic
def case_assign(*, case: Case, by: User, assignee: User | None, at: datetime | None = None) -> Case:
    """Give the case to a staff member (or to nobody); an internal event."""
    staff_required(by)
    case = case_locked(case)
    at = instant(at, case)
    if assignee is not None and not (assignee.is_active and assignee.is_staff):
        raise ValidationError({"assignee": _("Cases are assigned to active support staff.")})
    if case.status in _FINAL:
        raise ValidationError(_("A closed or withdrawn case is not assigned."), code="final")
    if assignee == case.assignee:
        _refuse_unchanged(_("The case is already assigned to that person."))
    event_add(
        case,
        EventKind.ASSIGNMENT,
        by=by,
        at=at,
        public=False,
        old=case.assignee.email if case.assignee else "",
        new=assignee.email if assignee else "",
        data={"assignee": assignee.pk if assignee else None},
    )
    case.assignee = assignee
    case_finish(case, at, ["assignee"])
    return case


@transaction.atomic
def case_comment(
    *, case: Case, by: User, body: str, public: bool = True, at: datetime | None = None
) -> Case:
    """Add a comment: public (a staff one is a reply, the first the response) or internal."""
    case = case_locked(case)
    at = instant(at, case)
    if by.is_staff:
        staff_required(by)
    else:
        customer_may_act(case, by)
        if not public:
            raise ValidationError(
                {"public": _("Your comments are always visible to support and your team.")}
            )
        if case.status in _FINAL:
            raise ValidationError(
                _("This case is closed: open a new case and quote its number."), code="final"
            )
    body = required_text(body, field="body", message=_("Write a comment."), limit=COMMENT_MAX_CHARS)
    event = event_add(case, EventKind.COMMENT, by=by, at=at, public=public, body=body)
    reply = by.is_staff and public
    if reply:
        response_if_first(case, by=by, at=at)
    case_finish(case, at, [])
    if reply:
        case_email_reply(case, event)
    return case


@transaction.atomic
def case_request_information(
    *, case: Case, by: User, body: str, at: datetime | None = None
) -> Case:
    """Ask the customer for information; the resolution clock waits for it (SLP-8)."""
    staff_required(by)
    case = case_locked(case)
    at = instant(at, case)
    body = required_text(
        body, field="body", message=_("Say what information is needed."), limit=COMMENT_MAX_CHARS
    )
    status_move(case, Status.WAITING_ON_CUSTOMER, by=by, at=at)
    event = event_add(case, EventKind.INFO_REQUESTED, by=by, at=at, body=body)
    response_if_first(case, by=by, at=at)
    case_finish(case, at, ["status"])
    case_email_info_requested(case, event)
    return case


@transaction.atomic
def case_provide_information(
    *, case: Case, by: User, body: str, at: datetime | None = None
) -> Case:
    """Record the information the customer gave; support holds the case again (SLP-8)."""
    case = case_locked(case)
    at = instant(at, case)
    customer_may_act(case, by)
    body = required_text(
        body, field="body", message=_("Give the information asked for."), limit=COMMENT_MAX_CHARS
    )
    if case.status != Status.WAITING_ON_CUSTOMER:
        raise TransitionRefused(
            case.status,
            Status.IN_PROGRESS,
            detail=_("Support is not waiting for information on this case."),
        )
    # Before any priority was set, the case goes back to the queue to be triaged.
    target = Status.IN_PROGRESS if case.priority else Status.NEW
    status_move(case, target, by=by, at=at)
    event_add(case, EventKind.INFO_RECEIVED, by=by, at=at, body=body)
    case_finish(case, at, ["status"])
    return case


@transaction.atomic
def case_start_work(*, case: Case, by: User, at: datetime | None = None) -> Case:
    """Move a triaged case to in progress."""
    staff_required(by)
    case = case_locked(case)
    at = instant(at, case)
    if case.status != Status.TRIAGED:
        raise TransitionRefused(
            case.status,
            Status.IN_PROGRESS,
            detail=_(
                "Work starts on a triaged case; a waiting case resumes when the "
                "information arrives, a resolved one when it is reopened."
            ),
        )
    status_move(case, Status.IN_PROGRESS, by=by, at=at)
    case_finish(case, at, ["status"])
    return case


@transaction.atomic
def case_resolve(
    *, case: Case, by: User, kind: str, body: str, plan: str = "", at: datetime | None = None
) -> Case:
    """Record the resolution with its SLP-10 kind; the resolution clock stops."""
    staff_required(by)
    if kind not in {member.value for member in ResolutionKind}:
        raise ValidationError({"kind": _("Choose how the case was resolved: (i), (ii) or (iii).")})
    body = required_text(
        body, field="body", message=_("Tell the customer the resolution."), limit=COMMENT_MAX_CHARS
    )
    plan = optional_text(plan, field="plan", limit=COMMENT_MAX_CHARS)
    if kind == ResolutionKind.PLAN and not plan:
        raise ValidationError(
            {"plan": _("A resolution of kind (ii) needs the plan and its timeline.")}
        )
    case = case_locked(case)
    at = instant(at, case)
    status_move(case, Status.RESOLVED, by=by, at=at)
    data = {"kind": str(kind), "plan": plan}
    event = event_add(case, EventKind.RESOLUTION, by=by, at=at, body=body, new=kind, data=data)
    response_if_first(case, by=by, at=at)
    case.resolved_at = at
    case_finish(case, at, ["status", "resolved_at"])
    case_email_resolved(case, event)
    return case


@transaction.atomic
def case_reopen(*, case: Case, by: User, reason: str, at: datetime | None = None) -> Case:
    """Reopen a resolved case within the window; the resolution clock resumes where it stopped."""
    case = case_locked(case)
    at = instant(at, case)
    customer_may_act(case, by)
    reason = required_text(
        reason, field="reason", message=_("Say why the case is reopened."), limit=REASON_MAX_CHARS
    )
    if case.status != Status.RESOLVED:
        raise TransitionRefused(
            case.status, Status.IN_PROGRESS, detail=_("Only a resolved case can be reopened.")
        )
    deadline = case.reopen_until()
    if at > deadline:
        zone = ZoneInfo(case.site.time_zone)
        raise TransitionRefused(
            case.status,
            Status.IN_PROGRESS,
            detail=lazy_text(
                _(
                    "The reopen window of %(days)s days ended on %(end)s: open a new case "
                    "and quote %(number)s."
                ),
                days=case.policy_version.reopen_window_days,
                end=f"{deadline.astimezone(zone):%Y-%m-%d %H:%M} ({zone.key})",
                number=case.number,
            ),
        )
    status_move(case, Status.IN_PROGRESS, by=by, at=at)
    event_add(case, EventKind.REOPENED, by=by, at=at, body=reason)
    case.resolved_at = None
    case_finish(case, at, ["status", "resolved_at"])
    return case


@transaction.atomic
def case_close(*, case: Case, by: User, at: datetime | None = None) -> Case:
    """Close a resolved case; nothing counts after this."""
    case = case_locked(case)
    at = instant(at, case)
    customer_may_act(case, by)
    status_move(case, Status.CLOSED, by=by, at=at)
    event_add(case, EventKind.CLOSED, by=by, at=at)
    case.closed_at = at
    case_finish(case, at, ["status", "closed_at"])
    return case


def classification_explanation(kind: str, reference: str) -> str:
    """Return the public explanation of a bug or defect classification (SLP-7), translated."""
    labels = {DefectKind.BUG: _("a software bug"), DefectKind.DEFECT: _("a defect")}
    return lazy_text(
        _(
            "Classified as %(kind)s (reference %(reference)s). It now follows the separate "
            "prioritisation and fix process: no resolution-time target applies (SLP-7). "
            "The response target still does."
        ),
        kind=labels[DefectKind(kind)],
        reference=reference,
    )


@transaction.atomic
def case_classify_defect(
    *, case: Case, by: User, kind: str, reference: str, at: datetime | None = None
) -> Case:
    """Classify the incident as a bug or a defect: its resolution target is withdrawn (SLP-7)."""
    staff_required(by)
    if kind not in {member.value for member in DefectKind}:
        raise ValidationError({"kind": _("Choose bug or defect.")})
    reference = required_text(
        reference,
        field="reference",
        message=_("Give the bug or defect reference."),
        limit=REFERENCE_MAX_CHARS,
    )
    case = case_locked(case)
    at = instant(at, case)
    if not case.is_open:
        raise ValidationError(_("Only an open case can be classified."), code="not_open")
    if case.category == kind and case.defect_reference == reference:
        _refuse_unchanged(_("The case already has that classification."))
    with translation.override(case.organization.language):
        body = str(classification_explanation(kind, reference))
    event_add(
        case,
        EventKind.CLASSIFICATION,
        by=by,
        at=at,
        body=body,
        old=case.category,
        new=kind,
        data={"reference": reference},
    )
    case.category, case.defect_reference = kind, reference
    case_finish(case, at, ["category", "defect_reference"])
    return case


@transaction.atomic
def case_withdraw(
    *, case: Case, by: User, exclusion: str, explanation: str, at: datetime | None = None
) -> Case:
    """Withdraw an out-of-scope request: both clocks stop, the customer learns why and where to go."""
    staff_required(by)
    if exclusion not in Exclusion.values:
        raise ValidationError({"exclusion": _("Choose the SLP-16 exclusion that applies.")})
    explanation = required_text(
        explanation,
        field="explanation",
        message=_("Explain to the customer why and where to go."),
        limit=COMMENT_MAX_CHARS,
    )
    case = case_locked(case)
    at = instant(at, case)
    status_move(case, Status.WITHDRAWN, by=by, at=at)
    data = {"exclusion": exclusion}
    event_add(
        case,
        EventKind.CLASSIFICATION,
        by=by,
        at=at,
        old=case.category,
        new=Category.OUT_OF_SCOPE,
        data=data,
    )
    event = event_add(case, EventKind.WITHDRAWN, by=by, at=at, body=explanation, data=data)
    case.category, case.exclusion = Category.OUT_OF_SCOPE, exclusion
    case_finish(case, at, ["status", "category", "exclusion"])
    case_email_withdrawn(case, event, referral=exclusion_referral(exclusion))
    return case
