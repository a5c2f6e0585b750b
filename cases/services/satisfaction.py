"""The customer rates a resolution of its case: good or bad, with an optional comment (issue 15)."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from cases.models import Case, CaseRating, EventKind, Satisfaction, Status
from cases.services._shared import (
    case_finish,
    case_locked,
    customer_may_act,
    event_add,
    instant,
    optional_text,
)
from common.limits import REASON_MAX_CHARS
from contracts.models import User

# Rated once support's work is done: a resolved case, or one closed after its resolution.
_RATED_STATUSES = (Status.RESOLVED, Status.CLOSED)
_EVENT_KINDS = {Satisfaction.GOOD: EventKind.RATED_GOOD, Satisfaction.BAD: EventKind.RATED_BAD}
RATING_KINDS = frozenset(_EVENT_KINDS.values())


def case_may_be_rated(case: Case) -> bool:
    """Tell whether the case stands where a rating is asked: resolved, or closed once resolved."""
    return case.status in _RATED_STATUSES and case.resolved_at is not None


@transaction.atomic
def case_rate(
    *,
    case: Case,
    by: User,
    score: str,
    comment: str = "",
    at: datetime | None = None,
) -> CaseRating:
    """Record the customer's rating of the case's current resolution.

    One rating per resolution, and it stands: a second answer is refused, not an update, as
    the timeline is never edited. A case reopened and resolved again is asked again. Only an
    admin or agent of the case's organisations rates (the membership rule every customer
    action shares); support staff never rate their own work. The timeline event is internal:
    staff read it on the case page and in the queue, and the customer's page shows its own
    answer from the rating, so a comment stays between the customer and support.
    """
    if by.is_staff:
        raise PermissionDenied(_("Only the customer rates how support handled a case."))
    if score not in Satisfaction.values:
        raise ValidationError(
            {"score": ValidationError(_("Choose good or bad."), code="invalid_choice")}
        )
    comment = optional_text(comment, field="comment", limit=REASON_MAX_CHARS)
    case = case_locked(case)
    at = instant(at, case)
    customer_may_act(case, by)
    if not case_may_be_rated(case):
        raise ValidationError(_("A case can be rated once it is resolved."), code="not_resolved")
    # The case row is locked: two answers to one resolution are read here one after the other.
    if CaseRating.objects.filter(case=case, resolved_at=case.resolved_at).exists():
        raise ValidationError(
            _("This resolution is already rated. Thank you."), code="already_rated"
        )
    data = {"score": score, "resolved_at": case.resolved_at.isoformat()}
    event_add(case, _EVENT_KINDS[score], by=by, at=at, public=False, body=comment, data=data)
    rating = CaseRating.objects.create(
        case=case,
        resolved_at=case.resolved_at,
        score=score,
        comment=comment,
        rated_by=by,
        rated_at=at,
    )
    # The rating is activity on the case (the queue's "last activity"); no clock moves.
    case_finish(case, at, [])
    return rating
