"""allauth glue: invitation-only sign-up and email through the outbox."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.conf import settings
from django.http import HttpRequest
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


class AccountAdapter(DefaultAccountAdapter):
    """Portal accounts are created by invitation; account emails use the outbox."""

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
