"""Bulk actions of the staff queue: one case service called on each selected case.

Each case gets its own transaction through its service, so one refusal (a case another agent
closed meanwhile, a move the state machine refuses) leaves the others done. The outcome says
which cases were done, which were left alone because they already were as asked (said once,
not once a case), and each refusal with its reason.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, ngettext_lazy

from cases import services
from cases.admin.permissions import may_assign_anyone
from cases.models import OPEN_STATUSES, Case, Status
from common.limits import COMMENT_MAX_CHARS
from contracts.models import User
from sla.models import Priority

BULK_MAX_CASES = 100
_TRIAGED_AND_OPEN = frozenset(OPEN_STATUSES) - {Status.NEW}


@dataclass(frozen=True)
class BulkAction:
    """One choice of the bulk menu: the service it calls on a case, and its messages."""

    name: str
    label: Promise
    # The extra field the action reads ("assignee", "priority", "note"), if any.
    needs: str | None
    run: Callable[[Case, User, dict], Any]
    done: Callable[[list[str], dict], str]
    # True when the case already is as the action would leave it: left alone, said once.
    already: Callable[[Case, User, dict], bool] | None = None
    skipped: Callable[[list[str], dict], str] | None = None
    anyone: bool = False


def _numbers(numbers: list[str]) -> dict[str, Any]:
    return {"count": len(numbers), "numbers": ", ".join(numbers)}


def _who(user: User) -> str:
    return user.full_name or user.email


_ASSIGNED = ngettext_lazy(
    "%(count)d case assigned to %(who)s: %(numbers)s.",
    "%(count)d cases assigned to %(who)s: %(numbers)s.",
    "count",
)
_UNASSIGNED = ngettext_lazy(
    "%(count)d case unassigned: %(numbers)s.", "%(count)d cases unassigned: %(numbers)s.", "count"
)


def _assign_done(numbers: list[str], data: dict) -> str:
    assignee = data["assignee"]
    if assignee is None:
        return _UNASSIGNED % _numbers(numbers)
    return _ASSIGNED % {**_numbers(numbers), "who": _who(assignee)}


def _assign_skipped(numbers: list[str], data: dict) -> str:
    assignee = data["assignee"]
    if assignee is None:
        return _("Already unassigned, left as they are: %(numbers)s.") % _numbers(numbers)
    return _("Already assigned to %(who)s, left as they are: %(numbers)s.") % {
        **_numbers(numbers),
        "who": _who(assignee),
    }


def _assign(case: Case, by: User, data: dict) -> Any:
    return services.case_assign(case=case, by=by, assignee=data["assignee"])


def _already_assigned(case: Case, by: User, data: dict) -> bool:
    target = data["assignee"]
    return case.assignee_id == (target.pk if target else None)


def _message(text: Promise) -> Callable[[list[str], dict], str]:
    """Return a message maker filling in the cases' count and numbers and the action's data."""
    return lambda numbers, data: str(text % {**data, **_numbers(numbers)})


BULK_ACTIONS: dict[str, BulkAction] = {
    action.name: action
    for action in (
        BulkAction(
            "assign_me",
            _("Assign to me"),
            None,
            lambda case, by, data: _assign(case, by, {"assignee": by}),
            _message(
                ngettext_lazy(
                    "%(count)d case assigned to you: %(numbers)s.",
                    "%(count)d cases assigned to you: %(numbers)s.",
                    "count",
                )
            ),
            already=lambda case, by, data: case.assignee_id == by.pk,
            skipped=_message(_("Already assigned to you, left as they are: %(numbers)s.")),
        ),
        BulkAction(
            "assign",
            _("Assign to…"),
            "assignee",
            _assign,
            _assign_done,
            already=_already_assigned,
            skipped=_assign_skipped,
            anyone=True,
        ),
        BulkAction(
            "priority",
            _("Set priority…"),
            "priority",
            lambda case, by, data: services.case_triage(
                case=case, by=by, priority=data["priority"]
            ),
            _message(
                ngettext_lazy(
                    "%(count)d case set to %(priority)s: %(numbers)s.",
                    "%(count)d cases set to %(priority)s: %(numbers)s.",
                    "count",
                )
            ),
            # A new case given its proposed priority is still triaged: not left alone; a
            # closed one is refused with the reason.
            already=lambda case, by, data: (
                case.priority == data["priority"] and case.status in _TRIAGED_AND_OPEN
            ),
            skipped=_message(_("Already %(priority)s, left as they are: %(numbers)s.")),
        ),
        BulkAction(
            "start_work",
            _("Start work (triaged cases)"),
            None,
            lambda case, by, data: services.case_start_work(case=case, by=by),
            _message(
                ngettext_lazy(
                    "Work started on %(count)d case: %(numbers)s.",
                    "Work started on %(count)d cases: %(numbers)s.",
                    "count",
                )
            ),
            already=lambda case, by, data: case.status == Status.IN_PROGRESS,
            skipped=_message(_("Already in progress, left as they are: %(numbers)s.")),
        ),
        BulkAction(
            "close",
            _("Close (resolved cases)"),
            None,
            lambda case, by, data: services.case_close(case=case, by=by),
            _message(
                ngettext_lazy(
                    "%(count)d case closed: %(numbers)s.",
                    "%(count)d cases closed: %(numbers)s.",
                    "count",
                )
            ),
            already=lambda case, by, data: case.status == Status.CLOSED,
            skipped=_message(_("Already closed, left as they are: %(numbers)s.")),
        ),
        BulkAction(
            "note",
            _("Add an internal note…"),
            "note",
            lambda case, by, data: services.case_comment(
                case=case, by=by, body=data["note"], public=False
            ),
            _message(
                ngettext_lazy(
                    "Internal note added to %(count)d case: %(numbers)s.",
                    "Internal note added to %(count)d cases: %(numbers)s.",
                    "count",
                )
            ),
        ),
    )
}


def bulk_actions_for(user: User) -> list[BulkAction]:
    """Return the bulk actions the staff member may choose (assigning others needs the right)."""
    anyone = may_assign_anyone(user)
    return [action for action in BULK_ACTIONS.values() if anyone or not action.anyone]


class BulkForm(forms.Form):
    """Read a bulk action's POST: the action, the selected cases and the action's one field."""

    action = forms.ChoiceField(
        choices=[(a.name, a.label) for a in BULK_ACTIONS.values()],
        error_messages={"required": _("Choose an action.")},
    )
    # "none" gives the cases to nobody; an id, to that staff member.
    assignee = forms.RegexField(regex=r"\A(none|[0-9]{1,12})\Z", required=False)
    priority = forms.ChoiceField(choices=Priority.choices, required=False)
    note = forms.CharField(max_length=COMMENT_MAX_CHARS, required=False, strip=True)

    def clean(self) -> dict:
        data = super().clean()
        data["cases"] = self._case_ids()
        action = BULK_ACTIONS.get(data.get("action", ""))
        if action is not None and action.needs is not None:
            self._clean_needed(action.needs, data)
        return data

    def _case_ids(self) -> list[int]:
        values = self.data.getlist("case")
        if not values:
            self.add_error(None, _("Select at least one case."))
        elif len(values) > BULK_MAX_CASES:
            self.add_error(
                None, _("Select at most %(max)d cases at a time.") % {"max": BULK_MAX_CASES}
            )
        elif not all(value.isascii() and value.isdigit() for value in values):
            self.add_error(None, _("The selection is not a list of cases."))
        else:
            return sorted({int(value) for value in values})
        return []

    def _clean_needed(self, needs: str, data: dict) -> None:
        value = data.get(needs)
        if needs == "assignee":
            data["assignee"] = self._assignee(value)
        elif not value:
            missing = {
                "priority": _("Choose the priority to set."),
                "note": _("Write the note to add."),
            }
            self.add_error(needs, missing[needs])

    def _assignee(self, value: str | None) -> User | None:
        if value == "none":
            return None
        staff = User.objects.filter(is_staff=True, is_active=True)
        assignee = staff.filter(pk=int(value)).first() if value else None
        if assignee is None:
            self.add_error("assignee", _("Choose an active staff member, or nobody."))
        return assignee


@dataclass
class BulkOutcome:
    """What a bulk action did: cases done, left alone, and refused (by reason)."""

    done: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    refused: dict[str, list[str]] = field(default_factory=dict)


def bulk_run(action: BulkAction, cases: list[Case], *, by: User, data: dict) -> BulkOutcome:
    """Call the action's service on each case, each in its own transaction."""
    outcome = BulkOutcome()
    for case in cases:
        if action.already is not None and action.already(case, by, data):
            outcome.skipped.append(case.number)
            continue
        try:
            action.run(case, by, data)
        except (ValidationError, PermissionDenied) as exc:
            reason = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            outcome.refused.setdefault(reason, []).append(case.number)
        else:
            outcome.done.append(case.number)
    return outcome


def bulk_messages(action: BulkAction, outcome: BulkOutcome, *, data: dict) -> list[tuple[int, str]]:
    """Return (level, text) of each message: done, left alone, then each refusal's cases."""
    lines = []
    if outcome.done:
        lines.append((messages.SUCCESS, action.done(outcome.done, data)))
    if outcome.skipped and action.skipped is not None:
        lines.append((messages.INFO, action.skipped(outcome.skipped, data)))
    for reason, numbers in outcome.refused.items():
        refused = ngettext(
            "%(count)d case refused (%(numbers)s): %(reason)s",
            "%(count)d cases refused (%(numbers)s): %(reason)s",
            len(numbers),
        )
        lines.append((messages.WARNING, refused % {**_numbers(numbers), "reason": reason}))
    return lines
