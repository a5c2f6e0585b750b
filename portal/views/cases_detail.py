"""One case: its public timeline, both SLA clocks explained, and the customer's actions.

Every action is a plain POST form (it works without JavaScript) answered by a redirect back
to the case; a refusal re-renders the page with the error next to its field. Another tenant's
case is 404 before any role check; a viewer's POST is 403, and a viewer is shown no form.
Marking a case solved or withdrawing it takes a confirm step: the page opened at
/finish/?outcome=... shows what follows and asks for an optional reason. A resolved case
asks how support did (good or bad, an optional comment) until its resolution is rated.
"""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases.models import Case, CaseRating
from cases.selectors import case_get_for_user
from cases.services import (
    CustomerClose,
    EscalationWindow,
    TransitionRefused,
    case_close,
    case_comment,
    case_customer_close,
    case_escalate,
    case_may_be_rated,
    case_provide_information,
    case_rate,
    case_reopen,
    customer_may_solve,
    escalation_window,
)
from common.limits import REASON_MAX_CHARS, max_chars
from portal.forms.cases import (
    AttachForm,
    CloseForm,
    CommentForm,
    EscalateForm,
    InformationForm,
    ReopenForm,
)
from portal.forms.satisfaction import RatingForm
from portal.permissions import may_act_on_case
from portal.selectors.cases import CasePage, case_page_for_user
from portal.services.cases import case_files_attach
from portal.views.cases_errors import errors_into


class FinishForm(forms.Form):
    """Confirm that the case is solved, or withdraw it; the reason is optional."""

    outcome = forms.ChoiceField(
        choices=[(CustomerClose.SOLVED, ""), (CustomerClose.WITHDRAWN, "")],
        widget=forms.HiddenInput,
    )
    reason = forms.CharField(
        label=gettext_lazy("Anything support should know? (optional)"),
        required=False,
        validators=[max_chars(REASON_MAX_CHARS)],
        widget=forms.Textarea(attrs={"rows": 3}),
    )


# The page's forms by name; a failed action replaces its own with the bound one.
_FORMS = {
    "comment": CommentForm,
    "attach": AttachForm,
    "information": InformationForm,
    "escalate": EscalateForm,
    "reopen": ReopenForm,
    "close": CloseForm,
    "finish": FinishForm,
    "rating": RatingForm,
}
_SERVICE_FIELDS = {"file": "files"}
_OUTCOMES = frozenset(CustomerClose)


def _form(name: str, *args, **kwargs) -> forms.Form:
    # Several forms share field names (body, reason): the ids must stay unique on the page.
    return _FORMS[name](*args, auto_id=f"{name}_%s", **kwargs)


def _offers(page: CasePage, escalation: EscalationWindow) -> dict[str, bool]:
    """Return which action forms the page shows: only those this person may use now."""
    offers = {name: page.offers(name) for name in _FORMS}
    # SLP-12 as the self-service rule reads it, not merely "not final": see escalation_window.
    offers["escalate"] = page.may_write and escalation.allowed
    offers["finish"] = page.may_write and page.case.is_open
    return offers


def _render(
    request: HttpRequest,
    case: Case,
    *,
    failed: tuple[str, forms.Form] | None = None,
    confirm: str = "",
    status=200,
) -> HttpResponse:
    page = case_page_for_user(request.user, case, may_write=may_act_on_case(request.user, case))
    escalation = escalation_window(case, page.clocks)
    offers = _offers(page, escalation)
    rating = CaseRating.objects.for_resolution(case)
    offers["rating"] = page.may_write and case_may_be_rated(case) and rating is None
    forms_ = {name: _form(name) for name in _FORMS}
    hidden_errors = []
    if failed is not None:
        name, form = failed
        forms_[name] = form
        confirm = form.data.get("outcome", "") if name == "finish" else confirm
        # The case moved on (closed, top level reached...): its form is gone, not the reason.
        if not offers[name]:
            hidden_errors = [error for errors in form.errors.values() for error in errors]
    if confirm in _OUTCOMES and failed is None:
        forms_["finish"] = _form("finish", initial={"outcome": confirm})
    context = {
        "page": page,
        "case": case,
        "forms": forms_,
        "offers": offers,
        "escalation": escalation,
        "may_solve": customer_may_solve(case),
        "confirm": confirm if offers["finish"] and confirm in _OUTCOMES else "",
        "hidden_errors": hidden_errors,
        "rating": rating,
    }
    return render(request, "portal/cases/detail.html", context, status=status)


@require_GET
@login_required
def case_detail(request: HttpRequest, number: str) -> HttpResponse:
    """Show a case the user may see; 404 alike for missing and another tenant's."""
    return _render(request, case_get_for_user(request.user, number))


def _require_may_act(request: HttpRequest, case: Case) -> None:
    """Refuse (403) anyone but an admin or agent of the case's organisations."""
    if not may_act_on_case(request.user, case):
        raise PermissionDenied("Your role in the organisation does not allow this.")


def _act(
    request: HttpRequest,
    number: str,
    name: str,
    apply: Callable[[Case, dict], object],
    done: str,
) -> HttpResponse:
    """Check access, validate the action's form, call its service, redirect or show the error."""
    case = case_get_for_user(request.user, number)
    _require_may_act(request, case)
    form = _form(name, request.POST, request.FILES)
    status = 400
    if form.is_valid():
        try:
            apply(case, form.cleaned_data)
        except TransitionRefused as exc:
            # The move is not allowed from where the case stands now: say so above the form.
            form.add_error(None, exc)
            status = 409
        except ValidationError as exc:
            errors_into(form, exc, _SERVICE_FIELDS)
        else:
            messages.success(request, done)
            return redirect(reverse("cases:detail", args=[case.number]) + "#timeline")
    return _render(
        request, case_get_for_user(request.user, number), failed=(name, form), status=status
    )


@require_POST
@login_required
def case_comment_view(request: HttpRequest, number: str) -> HttpResponse:
    """Add the customer's reply to the case."""
    return _act(
        request,
        number,
        "comment",
        lambda case, data: case_comment(case=case, by=request.user, body=data["body"]),
        _("Your reply is added to the case."),
    )


@require_POST
@login_required
def case_attach_view(request: HttpRequest, number: str) -> HttpResponse:
    """Attach files to the case; all of them, or none when one is refused."""
    files = request.FILES.getlist("files")
    return _act(
        request,
        number,
        "attach",
        lambda case, data: case_files_attach(case=case, by=request.user, files=data["files"]),
        ngettext("The file is attached.", "The %(count)s files are attached.", len(files))
        % {"count": len(files)},
    )


@require_POST
@login_required
def case_information_view(request: HttpRequest, number: str) -> HttpResponse:
    """Give the information support asked for; the resolution clock counts again (SLP-8)."""
    return _act(
        request,
        number,
        "information",
        lambda case, data: case_provide_information(case=case, by=request.user, body=data["body"]),
        _("Thank you: support has your information and works on the case again."),
    )


@require_POST
@login_required
def case_escalate_view(request: HttpRequest, number: str) -> HttpResponse:
    """Escalate the case to the next review level, with the customer's reason (SLP-12)."""
    return _act(
        request,
        number,
        "escalate",
        lambda case, data: case_escalate(case=case, by=request.user, reason=data["reason"]),
        _("The case is escalated. The next review level has your reason (SLP-12)."),
    )


@require_POST
@login_required
def case_reopen_view(request: HttpRequest, number: str) -> HttpResponse:
    """Reopen a resolved case within the reopen window."""
    return _act(
        request,
        number,
        "reopen",
        lambda case, data: case_reopen(case=case, by=request.user, reason=data["reason"]),
        _("The case is reopened; its resolution clock resumes where it stopped."),
    )


@require_POST
@login_required
def case_close_view(request: HttpRequest, number: str) -> HttpResponse:
    """Confirm the resolution and close the case."""
    return _act(
        request,
        number,
        "close",
        lambda case, data: case_close(case=case, by=request.user),
        _("The case is closed. Thank you."),
    )


_FINISHED = {
    CustomerClose.SOLVED: gettext_lazy("The case is closed as solved. Thank you for telling us."),
    CustomerClose.WITHDRAWN: gettext_lazy("The case is withdrawn. Support no longer works on it."),
}


@require_http_methods(["GET", "POST"])
@login_required
def case_finish_view(request: HttpRequest, number: str) -> HttpResponse:
    """Mark an open case solved or withdraw it: GET asks to confirm, POST does it."""
    if request.method == "GET":
        case = case_get_for_user(request.user, number)
        _require_may_act(request, case)
        outcome = request.GET.get("outcome", "")
        if outcome not in _OUTCOMES or not case.is_open:
            return redirect("cases:detail", case.number)
        return _render(request, case, confirm=outcome)
    outcome = request.POST.get("outcome", "")
    return _act(
        request,
        number,
        "finish",
        lambda case, data: case_customer_close(
            case=case,
            by=request.user,
            solved=data["outcome"] == CustomerClose.SOLVED,
            reason=data["reason"],
        ),
        str(_FINISHED.get(outcome, "")),
    )


@require_POST
@login_required
def case_rate_view(request: HttpRequest, number: str) -> HttpResponse:
    """Rate the resolution of the case: good or bad, with an optional comment."""
    return _act(
        request,
        number,
        "rating",
        lambda case, data: case_rate(
            case=case, by=request.user, score=data["score"], comment=data["comment"]
        ),
        _("Thank you for your rating."),
    )
