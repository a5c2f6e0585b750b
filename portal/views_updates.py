"""Portal pages of software update notices: the list, one notice, preferences, unsubscribe."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from contracts.models import ContactPreference
from contracts.selectors_notices import update_notice_get_for_user, update_notice_list_for_user
from contracts.services.notices import (
    contact_preference_set,
    contact_preference_unsubscribe,
    unsubscribe_user,
    update_notice_mark_read,
)


def _opted_out(user) -> bool:
    return ContactPreference.objects.filter(user=user, scheduled_updates_opt_out=True).exists()


@login_required
def updates_list(request: HttpRequest) -> HttpResponse:
    """List the notices about the user's sites, newest first, with the sites concerned."""
    context = {
        "notices": update_notice_list_for_user(request.user),
        "opted_out": _opted_out(request.user),
    }
    return render(request, "portal/updates.html", context)


@login_required
def updates_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Show one notice about the user's sites and mark it read."""
    notice = update_notice_get_for_user(request.user, pk)
    update_notice_mark_read(notice=notice, user=request.user)
    return render(request, "portal/update_detail.html", {"notice": notice})


@login_required
@require_POST
def updates_preferences(request: HttpRequest) -> HttpResponse:
    """Turn scheduled update notices off or on for the signed-in person."""
    opt_out = request.POST.get("scheduled_updates") != "on"
    contact_preference_set(user=request.user, scheduled_updates_opt_out=opt_out)
    if opt_out:
        messages.success(request, _("You no longer receive scheduled update notices by email."))
    else:
        messages.success(request, _("You receive scheduled update notices by email again."))
    return redirect("updates_list")


# Mail clients send the RFC 8058 one-click POST without a CSRF token; the signed token in
# the address is what authorises it, and this view changes nothing else.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def updates_unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """Confirm (GET) or record (POST, one click) an opt-out from scheduled update notices."""
    try:
        user = unsubscribe_user(token)
    except ValidationError as exc:
        context = {"error": " ".join(exc.messages)}
        return render(request, "portal/unsubscribe.html", context, status=404)
    if request.method == "POST":
        contact_preference_unsubscribe(token=token)
        return render(request, "portal/unsubscribe.html", {"done": True, "email": user.email})
    return render(request, "portal/unsubscribe.html", {"email": user.email})
