"""The case state machine as data (DESIGN.md, Case lifecycle): which status may follow which."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from django.core.exceptions import ValidationError
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from cases.models import Case, Status

# new -> triaged (priority set) -> in progress <-> waiting on customer -> resolved -> closed;
# resolved -> in progress when reopened within the window; any open state -> withdrawn.
# Two shortcuts the text implies: support may ask for information before it can set a priority
# (SLP-8: the resolution clock waits for both), and a triaged case may be answered at once.
# Information received before any priority was set returns the case to the "new" queue.
TRANSITIONS: Mapping[Status, frozenset[Status]] = MappingProxyType(
    {
        Status.NEW: frozenset({Status.TRIAGED, Status.WAITING_ON_CUSTOMER, Status.WITHDRAWN}),
        Status.TRIAGED: frozenset(
            {Status.IN_PROGRESS, Status.WAITING_ON_CUSTOMER, Status.RESOLVED, Status.WITHDRAWN}
        ),
        Status.IN_PROGRESS: frozenset(
            {Status.WAITING_ON_CUSTOMER, Status.RESOLVED, Status.WITHDRAWN}
        ),
        Status.WAITING_ON_CUSTOMER: frozenset(
            {Status.NEW, Status.IN_PROGRESS, Status.RESOLVED, Status.WITHDRAWN}
        ),
        Status.RESOLVED: frozenset({Status.IN_PROGRESS, Status.CLOSED}),
        Status.CLOSED: frozenset(),
        Status.WITHDRAWN: frozenset(),
    }
)


class TransitionRefused(ValidationError):
    """A status change the table does not allow (or a rule such as the reopen window refuses)."""

    def __init__(self, from_status: str, to_status: str, *, detail: str = "") -> None:
        self.from_status = Status(from_status)
        self.to_status = Status(to_status)
        self.detail = detail
        super().__init__(
            _("A case that is “%(from)s” cannot become “%(to)s”. %(detail)s"),
            code="transition_refused",
            params={
                "from": self.from_status.label,
                "to": self.to_status.label,
                "detail": detail or _allowed_text_lazy(self.from_status),
            },
        )

    def __str__(self) -> str:
        return " ".join(message.strip() for message in self.messages)


def _allowed_text(from_status: Status) -> str:
    allowed = sorted(TRANSITIONS[from_status])
    if not allowed:
        return str(_("It is final: nothing follows it."))
    return str(_("From there it can only become: %(list)s.")) % {
        "list": ", ".join(f"“{Status(s).label}”" for s in allowed)
    }


# Rendered when the message is read, so one error reads in each reader's language.
_allowed_text_lazy = lazy(_allowed_text, str)


def transition_allowed(from_status: str, to_status: str) -> bool:
    """Tell whether the table allows moving from one status to another."""
    return Status(to_status) in TRANSITIONS[Status(from_status)]


def transition_check(case: Case, to: str, *, detail: str = "") -> None:
    """Raise TransitionRefused unless the case may move from its status to `to`."""
    if not transition_allowed(case.status, to):
        raise TransitionRefused(case.status, to, detail=detail)
