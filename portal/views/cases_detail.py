"""One case: its public timeline, both SLA clocks explained, and the customer's actions.

Every action is a plain POST form (it works without JavaScript) answered by a redirect back
to the case; a refusal re-renders the page with the error next to its field. Another tenant's
case is 404 before any role check; a viewer's POST is 403.
"""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from cases.models import Case
from cases.selectors import case_get_for_user
from cases.services import (
    TransitionRefused,
    case_close,
    case_comment,
    case_escalate,
    case_provide_information,
    case_reopen,
)
from portal.forms.cases import (
    AttachForm,
    CloseForm,
    CommentForm,
    EscalateForm,
    InformationForm,
    ReopenForm,
)
from portal.permissions import WRITE_ROLES, has_member_role, require_member_role
from portal.selectors.cases import case_page_for_user
from portal.services.cases import case_files_attach
from portal.views.cases_errors import errors_into

# The page's forms by name; a failed action replaces its own with the bound one.
_FORMS = {
    "comment": CommentForm,
    "attach": AttachForm,
    "information": InformationForm,
    "escalate": EscalateForm,
    "reopen": ReopenForm,
    "close": CloseForm,
}
_SERVICE_FIELDS = {"file": "files"}


def _form(name: str, *args) -> forms.Form:
    # Several forms share field names (body, reason): the ids must stay unique on the page.
    return _FORMS[name](*args, auto_id=f"{name}_%s")


def _render(
    request: HttpRequest, case: Case, *, failed: tuple[str, forms.Form] | None = None, status=200
) -> HttpResponse:
    page = case_page_for_user(
        request.user, case, may_write=has_member_role(request.user, *WRITE_ROLES)
    )
    forms_ = {name: _form(name) for name in _FORMS}
    hidden_errors = []
    if failed is not None:
        name, form = failed
        forms_[name] = form
        # The case moved on (closed, top level reached...): its form is gone, not the reason.
        if not page.offers(name):
            hidden_errors = [error for errors in form.errors.values() for error in errors]
    context = {"page": page, "case": case, "forms": forms_, "hidden_errors": hidden_errors}
    return render(request, "portal/cases/detail.html", context, status=status)


@require_GET
@login_required
def case_detail(request: HttpRequest, number: str) -> HttpResponse:
    """Show a case the user may see; 404 alike for missing and another tenant's."""
    return _render(request, case_get_for_user(request.user, number))


def _act(
    request: HttpRequest,
    number: str,
    name: str,
    apply: Callable[[Case, dict], object],
    done: str,
) -> HttpResponse:
    """Check access, validate the action's form, call its service, redirect or show the error."""
    case = case_get_for_user(request.user, number)
    require_member_role(request.user, *WRITE_ROLES)
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
