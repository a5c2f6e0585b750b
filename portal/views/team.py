"""The team page: organisation admins invite people, set roles and contacts, deactivate.

Every action is a POST form that works without JavaScript (redirect back with a message);
with htmx, a row action swaps just that row.
"""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from contracts.models import Membership
from portal.forms.team import InviteForm, MemberContactForm, MemberRoleForm
from portal.permissions import (
    ADMIN_ROLES,
    has_member_role,
    member_role_required,
    membership_for,
    membership_forget,
)
from portal.selectors.team import member_get_for_admin, member_list_for_admin
from portal.services.team import (
    member_deactivate,
    member_invite,
    member_set_role,
    member_set_technical_contact,
)

admin_required = member_role_required(*ADMIN_ROLES)


def _render_team(request: HttpRequest, invite_form: InviteForm, status: int = 200) -> HttpResponse:
    context = {
        "members": member_list_for_admin(request.user),
        "invite_form": invite_form,
        "roles": Membership.Role.choices,
    }
    return render(request, "portal/team.html", context, status=status)


@require_GET
@login_required
@admin_required
def team(request: HttpRequest) -> HttpResponse:
    """List the organisation's members, with the invitation form."""
    return _render_team(request, InviteForm())


@require_POST
@login_required
@admin_required
def team_invite(request: HttpRequest) -> HttpResponse:
    """Invite a person by email; errors come back next to their field."""
    form = InviteForm(request.POST)
    if form.is_valid():
        try:
            member_invite(
                organization=membership_for(request.user).organization,
                invited_by=request.user,
                **form.cleaned_data,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("Invitation sent to %(email)s.") % {"email": form.cleaned_data["email"]},
            )
            return redirect("portal:team")
    return _render_team(request, form, status=400)


def _member_action(
    request: HttpRequest,
    pk: int,
    form_class: type[forms.Form],
    apply: Callable[[Membership, dict], object],
    done: str,
) -> HttpResponse:
    """Validate the form, apply it to the member, answer with the row (htmx) or a redirect."""
    member = member_get_for_admin(request.user, pk)
    form = form_class(request.POST)
    error = None
    if form.is_valid():
        try:
            apply(member, form.cleaned_data)
        except ValidationError as exc:
            error = " ".join(exc.messages)
    else:
        error = " ".join(e for errors in form.errors.values() for e in errors)
    membership_forget(request.user)
    still_admin = has_member_role(request.user, *ADMIN_ROLES)
    if request.headers.get("HX-Request") and still_admin:
        context = {"member": member, "roles": Membership.Role.choices, "row_error": error}
        return render(request, "portal/_member_row.html", context, status=400 if error else 200)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, done % {"email": member.user.email})
    if not still_admin:
        # Someone who just stepped down from admin may no longer open the team page.
        response = redirect("home")
        response["HX-Redirect"] = response["Location"]
        return response
    return redirect("portal:team")


@require_POST
@login_required
@admin_required
def member_role(request: HttpRequest, pk: int) -> HttpResponse:
    """Give a member another role."""
    return _member_action(
        request,
        pk,
        MemberRoleForm,
        lambda member, data: member_set_role(membership=member, role=data["role"]),
        _("%(email)s has a new role."),
    )


@require_POST
@login_required
@admin_required
def member_contact(request: HttpRequest, pk: int) -> HttpResponse:
    """Make a member a designated technical contact, or stop it."""
    return _member_action(
        request,
        pk,
        MemberContactForm,
        lambda member, data: member_set_technical_contact(
            membership=member, is_contact=data["is_technical_contact"]
        ),
        _("Technical contact updated for %(email)s."),
    )


@require_POST
@login_required
@admin_required
def member_deactivate_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Take a member's access away."""
    return _member_action(
        request,
        pk,
        forms.Form,
        lambda member, data: member_deactivate(membership=member, by=request.user),
        _("%(email)s no longer has access."),
    )
