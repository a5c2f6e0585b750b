"""The one public page of the mail app: the one-click unsubscribe link of optional email."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from mail.services.unsubscribe import contact_preference_unsubscribe, unsubscribe_user

TEMPLATE = "mail/unsubscribe.html"


# Mail clients send the RFC 8058 one-click POST without a CSRF token; the signed token in
# the address is what authorises it, and this view changes nothing else.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """Confirm (GET) or record (POST, one click) an opt-out from scheduled update notices."""
    try:
        user = unsubscribe_user(token)
    except ValidationError as exc:
        return render(request, TEMPLATE, {"error": " ".join(exc.messages)}, status=404)
    if request.method == "POST":
        contact_preference_unsubscribe(token=token)
        return render(request, TEMPLATE, {"done": True, "email": user.email})
    return render(request, TEMPLATE, {"email": user.email})
