"""The one public page of the mail app: the one-click unsubscribe link of optional email."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from mail.services.unsubscribe import contact_preference_unsubscribe, unsubscribe_read

TEMPLATE = "mail/unsubscribe.html"


# Mail clients send the RFC 8058 one-click POST without a CSRF token; the signed token in
# the address is what authorises it, and this view changes nothing else.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """Confirm (GET) or record (POST, one click) that a person turns one kind of email off."""
    try:
        unsubscription = unsubscribe_read(token)
    except ValidationError as exc:
        return render(request, TEMPLATE, {"error": " ".join(exc.messages)}, status=404)
    # The page speaks the recipient's language, signed in or not; it names no address.
    with translation.override(getattr(unsubscription.user, "language", None) or None):
        context = {"topic": unsubscription.topic.label, "LANGUAGE_CODE": translation.get_language()}
        if request.method == "POST":
            contact_preference_unsubscribe(token=token)
            context["done"] = True
        response = render(request, TEMPLATE, context)
    return response
