"""allauth glue: invitation-only sign-up, email through the outbox, lockouts per address."""

from __future__ import annotations

import math
import time
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from allauth.core.internal.ratelimit import Rate, get_cache_key, get_ip, get_rates
from allauth.mfa import app_settings as mfa_settings
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import resolve_url
from django.utils import translation

from mail.services.outbox import outbox_enqueue
from portal.branding import brand_base_url, brand_default, brand_for_request


@dataclass(frozen=True)
class BrandSite:
    """What allauth's templates call the current site: the brand the person signs in to."""

    name: str
    domain: str


def _brand_site() -> BrandSite:
    request = allauth_context.request
    brand = brand_for_request(request) if request is not None else brand_default()
    return BrandSite(name=brand.display_name, domain=urlsplit(brand_base_url(brand)).netloc)


# allauth apps whose rate limits can answer a page with 429, with their settings.
RATE_LIMITED_APPS = {"allauth.account": account_settings, "allauth.mfa": mfa_settings}


def _seconds_until_room(history: list[float], rate: Rate, now: float) -> float:
    """Return how long until a bucket with these hits (newest first) takes one more."""
    live = [hit for hit in history if hit > now - rate.duration]
    if len(live) < rate.amount:
        return 0.0
    return live[rate.amount - 1] + rate.duration - now


def rate_limit_wait(request: HttpRequest, *, app: str, action: str, key: str | None = None) -> int:
    """Return the seconds until every limit of the action lets this client in (0: now).

    Limits counted per key are read only when the key is given; per user, only signed in.
    """
    now = time.time()
    waits = [0.0]
    for rate in get_rates(app=app, action=action):
        if (rate.per == "key" and key is None) or (
            rate.per == "user" and not request.user.is_authenticated
        ):
            continue
        cache_key = get_cache_key(request, app=app, action=action, rate=rate, key=key)
        waits.append(_seconds_until_room(cache.get(cache_key, []), rate, now))
    return math.ceil(max(waits))


def rate_limit_retry_after(request: HttpRequest) -> int:
    """Return the Retry-After of an allauth 429 page: when this client's full limits free up.

    allauth does not say which limit refused, so every limit of the client's address and
    user is read. A limit per email address cannot be read without the address: when no
    readable limit is full, the longest window of any limit is the answer (always enough).
    """
    actions = [
        (app, action) for app, conf in RATE_LIMITED_APPS.items() for action in conf.RATE_LIMITS
    ]
    wait = max(rate_limit_wait(request, app=app, action=action) for app, action in actions)
    if wait:
        return wait
    durations = [
        rate.duration for app, action in actions for rate in get_rates(app=app, action=action)
    ]
    return math.ceil(max(durations, default=60))


class AccountAdapter(DefaultAccountAdapter):
    """Portal accounts are created by invitation; account emails use the outbox."""

    def _get_login_attempts_cache_key(self, request: HttpRequest, **credentials: Any) -> str:
        """Count failed logins per account and address, not per account alone.

        allauth's per-account count locks the account for everyone: a stranger typing a wrong
        password five times would lock its owner out everywhere. The per-address limit of
        ``login_failed`` still caps one address spraying many accounts. A successful password
        reset clears this count (allauth), here for the address the reset came from.
        """
        account = super()._get_login_attempts_cache_key(request, **credentials)
        return f"{account}:{get_ip(request)}"

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        """Refuse a locked-out login as allauth does, noting when it may try again (429)."""
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError:
            key = self._get_login_attempts_cache_key(request, **credentials)
            wait = rate_limit_wait(request, app="allauth.account", action="login_failed", key=key)
            # portal.middleware.RateLimitMiddleware turns the re-shown form into a 429.
            request.login_retry_after = max(wait, 1)
            raise

    def get_login_redirect_url(self, request: HttpRequest) -> str:
        """Send staff to the staff home (their counts, links into the queue), customers home.

        allauth asks only when no safe ``next`` came with the login, so a link followed
        before signing in still wins. Staff without an authenticator are sent on from the
        admin to set one up (StaffMFARequiredMiddleware).
        """
        user = request.user
        if user.is_active and user.is_staff:
            return resolve_url("admin:index")
        return super().get_login_redirect_url(request)

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return settings.ACCOUNT_ALLOW_REGISTRATION

    def format_email_subject(self, subject: str) -> str:
        return f"[{_brand_site().name}] {subject}"

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Render allauth's message now and hand it to the outbox.

        Account emails carry one-time links, so the outbox keeps them only
        until they are sent (``sensitive``), then forgets the body.
        """
        user = context.get("user")
        language = getattr(user, "language", None) or translation.get_language() or "en"
        # Without it allauth's greeting reads "Hello from !": the brand names the site.
        context = {**context, "current_site": _brand_site()}
        with translation.override(language):
            message = self.render_mail(template_prefix, email, context)
        html = next(
            (body for body, mime in getattr(message, "alternatives", []) if mime == "text/html"),
            "",
        )
        outbox_enqueue(
            to_email=email,
            template="rendered",
            language=language[:2],
            idempotency_key=f"account:{template_prefix}:{uuid.uuid4()}",
            context={
                "subject": message.subject,
                "text": message.body,
                "html": html,
                "sensitive": True,
            },
            recipient=user if getattr(user, "pk", None) else None,
        )
