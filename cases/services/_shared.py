"""What every case service shares: locking, actors, timeline events, status moves."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from cases.models import Case, CaseEvent, EventKind, Status
from cases.services.clocks import CLOCK_FIELDS, case_clocks_recompute
from cases.transitions import transition_check
from common.limits import chars_check
from contracts.models import Membership


def _render(template: Any, params: dict[str, Any]) -> str:
    return str(template) % {key: str(value) for key, value in params.items()}


# Interpolated when read, so a message built once reads in each reader's language.
_render_lazy = lazy(_render, str)


def lazy_text(template: Any, **params: Any) -> str:
    """Return a lazy translated string with its %(name)s parameters filled when rendered."""
    return _render_lazy(template, params)


def case_locked(case: Case) -> Case:
    """Return the case row locked for this transaction, with its current values."""
    # No select_related: PostgreSQL refuses FOR UPDATE on the nullable side of an outer join.
    return Case.objects.select_for_update().get(pk=case.pk)


def instant(at: datetime | None, case: Case | None = None) -> datetime:
    """Return `at` (default now); a given one must be aware and not before the timeline's end."""
    if at is None:
        return timezone.now()
    if timezone.is_naive(at):
        raise ValueError(f"case services need an aware datetime, not {at!r}")
    if case is not None:
        last = case.events.order_by("-at").values_list("at", flat=True).first()
        if at < (last or case.received_at):
            raise ValidationError(
                _("A change cannot be dated before the last event of the case."),
                code="before_timeline",
            )
    return at


def required_text(value: str, *, field: str, message: Any, limit: int) -> str:
    """Return the stripped text, or raise a ValidationError naming the field (empty or too long)."""
    text = (value or "").strip()
    if not text:
        raise ValidationError({field: ValidationError(message, code="required")})
    return chars_check(text, limit=limit, field=field)


def optional_text(value: str, *, field: str, limit: int) -> str:
    """Return the stripped text (maybe empty), or raise a ValidationError if it is too long."""
    return chars_check((value or "").strip(), limit=limit, field=field)


def staff_required(by) -> None:
    """Refuse anyone who is not active support staff."""
    if not (by.is_active and by.is_staff):
        raise PermissionDenied(_("Only support staff may do this."))


def customer_may_act(case: Case, by) -> None:
    """Refuse a customer who is not an active admin or agent of the case's organisations."""
    if by.is_staff:
        return
    allowed = Membership.objects.filter(
        user=by,
        is_active=True,
        role__in=[Membership.Role.ADMIN, Membership.Role.AGENT],
        organization_id__in=[pk for pk in (case.organization_id, case.end_customer_id) if pk],
    )
    if not (by.is_active and allowed.exists()):
        raise PermissionDenied(_("You may not change this case."))


def event_add(
    case: Case,
    kind: EventKind,
    *,
    by,
    at: datetime,
    public: bool = True,
    body: str = "",
    old: Any = "",
    new: Any = "",
    data: dict | None = None,
) -> CaseEvent:
    """Append one event to the case's timeline."""
    data = dict(data or {})
    if by is not None:
        data.setdefault("by_staff", bool(by.is_staff))
    return CaseEvent.objects.create(
        case=case,
        kind=kind,
        actor=by,
        at=at,
        public=public,
        body=body,
        old_value=str(old)[:200],
        new_value=str(new)[:200],
        data=data,
    )


def status_move(case: Case, to: Status, *, by, at: datetime, detail: str = "") -> CaseEvent:
    """Move the case to `to` if the table allows it, recording the change on the timeline."""
    transition_check(case, to, detail=detail)
    event = event_add(case, EventKind.STATUS, by=by, at=at, old=case.status, new=to)
    case.status = to
    return event


def response_if_first(case: Case, *, by, at: datetime) -> CaseEvent | None:
    """Record the response when this is support's first public message on the case (SLP-9)."""
    if not by.is_staff or case.events.filter(kind=EventKind.RESPONSE).exists():
        return None
    return event_add(case, EventKind.RESPONSE, by=by, at=at)


def case_finish(case: Case, at: datetime, fields: list[str]) -> None:
    """Save the changed fields, then recompute and store the clocks from the timeline."""
    case_clocks_recompute(case, now=at, save=False)
    case.save(update_fields=[*fields, *CLOCK_FIELDS, "updated_at"])
