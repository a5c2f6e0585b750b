"""Request middleware of the portal: preferences, staff MFA, brand, rate limits, CSP."""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable
from http import HTTPStatus
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
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
    """Attach the request's brand (host, then organisation, then default), resolved lazily once.

    A signed-in person on another organisation's branded host is sent to the same page on
    their own (portal.branding.brand_home_url): a redirect (302) for GET and HEAD, 403 for a
    form sent there. Sign-out, the API and public files are served on any host.
    """

    OPEN_PREFIXES = ("/accounts/logout/", "/api/", "/brand/", "/i18n/", "/static/", "/healthz/")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from portal.branding import brand_for_request, brand_home_url

        request.brand = SimpleLazyObject(lambda: brand_for_request(request))
        home = None if request.path.startswith(self.OPEN_PREFIXES) else brand_home_url(request)
        if home is not None:
            if request.method not in ("GET", "HEAD"):
                raise PermissionDenied("This address is another organisation's portal.")
            return HttpResponseRedirect(home)
        return self.get_response(request)


class RateLimitMiddleware:
    """Answer allauth's rate limits with 429 and Retry-After (seconds).

    allauth refuses a locked-out login by showing the form again with its message (200);
    the adapter notes the wait (``request.login_retry_after``) and the page answers 429.
    allauth's other limits answer 429 (templates/429.html) without saying how long to wait.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from portal.adapters import rate_limit_retry_after

        response = self.get_response(request)
        locked_for = getattr(request, "login_retry_after", None)
        if locked_for is not None and response.status_code == HTTPStatus.OK:
            response.status_code = HTTPStatus.TOO_MANY_REQUESTS
            response["Retry-After"] = str(locked_for)
        elif response.status_code == HTTPStatus.TOO_MANY_REQUESTS and "Retry-After" not in response:
            response["Retry-After"] = str(rate_limit_retry_after(request))
        return response


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
