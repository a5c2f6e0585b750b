"""allauth glue: invitation-only sign-up and email through the outbox."""

from __future__ import annotations

import uuid

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.http import HttpRequest
from django.utils import translation

from mail.services.outbox import outbox_enqueue


class AccountAdapter(DefaultAccountAdapter):
    """Portal accounts are created by invitation; account emails use the outbox."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return settings.ACCOUNT_ALLOW_REGISTRATION

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Render allauth's message now and hand it to the outbox.

        Account emails carry one-time links, so the outbox keeps them only
        until they are sent (``sensitive``), then forgets the body.
        """
        user = context.get("user")
        language = getattr(user, "language", None) or translation.get_language() or "en"
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
