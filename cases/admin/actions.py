"""The actions of the staff case page: who may use each, when it applies, which service it calls.

Views only parse and call: each action turns its form's cleaned data into one service call,
so every change goes through the same rules, events and emails as the portal and the API.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases import services
from cases.admin import forms as action_forms
from cases.admin.permissions import may_assign_anyone, may_escalate, may_work
from cases.models import Case, Category, EscalationLevel, Status
from cases.transitions import transition_allowed
from contracts.models import User

_FINAL = (Status.CLOSED, Status.WITHDRAWN)


@dataclass(frozen=True)
class CaseAction:
    """One form of the case page and the service it calls."""

    name: str
    title: Any
    form_class: type[forms.Form]
    # Who: the staff member's role, for this case. When: the case's state allows it.
    allowed: Callable[[User, Case], bool]
    applies: Callable[[Case], bool]
    # Call the service with the cleaned data; return the success message.
    run: Callable[[Case, User, dict], str]
    multipart: bool = False
    # The action bar's button, when the title is longer than a word or two.
    label: Any = ""

    @property
    def button(self) -> Any:
        return self.label or self.title

    def form(self, user: User, case: Case, data=None, files=None) -> forms.Form:
        """Return this action's form, bound when data is given, prefixed by the action name."""
        kwargs: dict[str, Any] = {"prefix": self.name}
        if self.form_class is action_forms.TriageForm:
            kwargs["case"] = case
        if self.form_class is action_forms.AssignForm:
            kwargs.update(user=user, anyone=may_assign_anyone(user))
        return self.form_class(data, files, **kwargs)


def _reply(case: Case, by: User, data: dict) -> str:
    public = data["visibility"] == "public"
    services.case_comment(case=case, by=by, body=data["body"], public=public)
    return _("Reply sent to the customer.") if public else _("Internal note added.")


def _triage(case: Case, by: User, data: dict) -> str:
    category = data["category"] or None
    services.case_triage(case=case, by=by, priority=data["priority"], category=category)
    return _("Priority and category saved.")


def _start_work(case: Case, by: User, data: dict) -> str:
    services.case_start_work(case=case, by=by)
    return _("Work started: the case is in progress.")


def _request_information(case: Case, by: User, data: dict) -> str:
    services.case_request_information(case=case, by=by, body=data["body"])
    return _("Information requested; the case waits on the customer.")


def _resolve(case: Case, by: User, data: dict) -> str:
    services.case_resolve(case=case, by=by, kind=data["kind"], body=data["body"], plan=data["plan"])
    return _("Resolution recorded and sent to the customer.")


def _classify(case: Case, by: User, data: dict) -> str:
    if data["kind"] == Category.OUT_OF_SCOPE:
        services.case_withdraw(
            case=case, by=by, exclusion=data["exclusion"], explanation=data["explanation"]
        )
        return _("Withdrawn as out of scope; the customer is told why and where to go.")
    services.case_classify_defect(case=case, by=by, kind=data["kind"], reference=data["reference"])
    return _("Classified; the resolution target no longer applies (SLP-7).")


def _escalate(case: Case, by: User, data: dict) -> str:
    case = services.case_escalate(case=case, by=by, reason=data["reason"])
    return _("Escalated to: %(level)s.") % {"level": case.get_escalation_level_display()}


def _reopen(case: Case, by: User, data: dict) -> str:
    services.case_reopen(case=case, by=by, reason=data["reason"])
    return _("Reopened: the resolution clock resumes where it stopped.")


def _close(case: Case, by: User, data: dict) -> str:
    services.case_close(case=case, by=by)
    return _("Case closed.")


def _assign(case: Case, by: User, data: dict) -> str:
    assignee = data["assignee"]
    services.case_assign(case=case, by=by, assignee=assignee)
    if assignee is None:
        return _("The case is unassigned.")
    return _("Assigned to %(who)s.") % {"who": assignee.full_name or assignee.email}


def _attach(case: Case, by: User, data: dict) -> str:
    attachment = services.case_attach(case=case, by=by, file=data["file"], public=data["public"])
    return _("“%(name)s” attached.") % {"name": attachment.original_name}


def _is_open(case: Case) -> bool:
    return case.is_open


def _may_move_to(status: Status) -> Callable[[Case], bool]:
    return lambda case: transition_allowed(case.status, status)


def _escalable(case: Case) -> bool:
    level_left = case.escalation_level < EscalationLevel.EXECUTIVE_SPONSOR
    return level_left and (case.is_open or case.status == Status.RESOLVED)


def _may_escalate(user: User, case: Case) -> bool:
    return may_escalate(user)


CASE_ACTIONS: dict[str, CaseAction] = {
    action.name: action
    for action in (
        CaseAction(
            "reply",
            gettext_lazy("Reply or add an internal note"),
            action_forms.ReplyForm,
            may_work,
            lambda case: True,
            _reply,
            label=gettext_lazy("Reply"),
        ),
        CaseAction(
            "triage",
            gettext_lazy("Set priority and category"),
            action_forms.TriageForm,
            may_work,
            _is_open,
            _triage,
            label=gettext_lazy("Triage"),
        ),
        CaseAction(
            "start_work",
            gettext_lazy("Start work"),
            action_forms.StartWorkForm,
            may_work,
            lambda case: case.status == Status.TRIAGED,
            _start_work,
        ),
        CaseAction(
            "request_information",
            gettext_lazy("Request information"),
            action_forms.RequestInformationForm,
            may_work,
            _may_move_to(Status.WAITING_ON_CUSTOMER),
            _request_information,
        ),
        CaseAction(
            "resolve",
            gettext_lazy("Resolve"),
            action_forms.ResolveForm,
            may_work,
            _may_move_to(Status.RESOLVED),
            _resolve,
        ),
        CaseAction(
            "classify",
            gettext_lazy("Classify: bug, defect or out of scope"),
            action_forms.ClassifyForm,
            may_work,
            _is_open,
            _classify,
            label=gettext_lazy("Classify"),
        ),
        CaseAction(
            "escalate",
            gettext_lazy("Escalate"),
            action_forms.EscalateForm,
            _may_escalate,
            _escalable,
            _escalate,
        ),
        CaseAction(
            "reopen",
            gettext_lazy("Reopen"),
            action_forms.ReopenForm,
            may_work,
            lambda case: case.status == Status.RESOLVED,
            _reopen,
        ),
        CaseAction(
            "close",
            gettext_lazy("Close"),
            action_forms.CloseForm,
            may_work,
            lambda case: case.status == Status.RESOLVED,
            _close,
        ),
        CaseAction(
            "assign",
            gettext_lazy("Assign"),
            action_forms.AssignForm,
            may_work,
            lambda case: case.status not in _FINAL,
            _assign,
        ),
        CaseAction(
            "attach",
            gettext_lazy("Attach a file"),
            action_forms.AttachForm,
            may_work,
            lambda case: True,
            _attach,
            multipart=True,
            label=gettext_lazy("Attach"),
        ),
    )
}
