"""The health probe and the favicon address."""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponsePermanentRedirect, JsonResponse
from django.templatetags.static import static
from django.views.decorators.http import require_GET


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Answer a load balancer's probe: the process runs and the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


@require_GET
def favicon(request: HttpRequest) -> HttpResponsePermanentRedirect:
    """Send browsers asking for /favicon.ico, whatever the page says, to the icon."""
    # Resolved per request: the static manifest exists only once collectstatic has run.
    return HttpResponsePermanentRedirect(static("img/favicon.svg"))
