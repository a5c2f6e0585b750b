"""Request middleware of the portal: preferences, staff MFA, brand, Content-Security-Policy."""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _


class UserPreferencesMiddleware:
    """Show pages in the logged-in user's language and time zone.

    An explicit choice made with the language switch (the language cookie) wins
    over the saved preference, so a user can look at the other language.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            if settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
                translation.activate(user.language)
                request.LANGUAGE_CODE = user.language
            try:
                timezone.activate(zoneinfo.ZoneInfo(user.time_zone))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                timezone.deactivate()
        else:
            timezone.deactivate()
        return self.get_response(request)


class StaffMFARequiredMiddleware:
    """Keep staff out of the admin, and of every staff-capable page, until they set up TOTP.

    Staff can read every tenant's cases and internal attachments, so the guard
    covers all pages but the ones needed to set MFA up (accounts, language, health).
    """

    OPEN_PREFIXES = ("/accounts/", "/i18n/", "/static/", "/healthz/")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(self.OPEN_PREFIXES) and self._lacks_mfa(request):
            messages.warning(
                request,
                _("Staff must set up two-factor authentication before opening the admin."),
            )
            return redirect(f"{reverse('mfa_activate_totp')}?{urlencode({'next': request.path})}")
        return self.get_response(request)

    @staticmethod
    def _lacks_mfa(request: HttpRequest) -> bool:
        from portal.api.permissions import staff_has_mfa

        user = request.user
        return user.is_authenticated and user.is_staff and not staff_has_mfa(user)


class BrandMiddleware:
    """Attach the request's brand (host, then organisation, then default), resolved lazily once."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from portal.branding import brand_for_request

        request.brand = SimpleLazyObject(lambda: brand_for_request(request))
        return self.get_response(request)


# No inline script or style anywhere in portal pages: htmx and the brand stylesheet are files.
PORTAL_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'"
)
# Django's admin still writes style="" attributes; scripts stay strict there too.
ADMIN_CSP = PORTAL_CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")


class ContentSecurityPolicyMiddleware:
    """Send a strict Content-Security-Policy on every page (looser styles in the admin only)."""

    # The API documentation page loads its own viewer; it sets no policy of ours.
    EXEMPT_PREFIXES = ("/api/docs/", "/api/schema/")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "Content-Security-Policy" in response or request.path.startswith(self.EXEMPT_PREFIXES):
            return response
        policy = ADMIN_CSP if request.path.startswith("/admin/") else PORTAL_CSP
        response["Content-Security-Policy"] = policy
        return response
