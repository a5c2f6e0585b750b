"""Render an outbox message in its recipient's language and brand (DESIGN.md, Email).

Templates are named by the message: `email/<name>_subject.txt`, `.txt` and `.html`, found in
any app's templates. The brand comes from the resolver the project names in `MAIL_BRAND`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from email.utils import formataddr, parseaddr
from functools import cache

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.module_loading import import_string

from mail.models import OutboxMessage
from mail.services.secrets import unseal


@dataclass(frozen=True)
class MailBrand:
    """Whose name an email carries: sender name, subject prefix, colours, logo, link host."""

    name: str
    color: str = ""
    # Text on `color` (buttons) and links on the white page, both readable (WCAG AA).
    text_color: str = ""
    link_color: str = ""
    # An absolute address the mail client loads, like a web page's image; "" for none.
    logo_url: str = ""
    site_url: str = ""
    # A partner's brand names itself in the subject too; the vendor's own does not need to.
    subject_prefix: bool = False


@cache
def _brand_function() -> Callable[[OutboxMessage], MailBrand] | None:
    # The project names its brand resolver in settings (MAIL_BRAND), as it names its context
    # processors: the mail app reads no other app's tables itself.
    path = getattr(settings, "MAIL_BRAND", "")
    return import_string(path) if path else None


def outbox_brand(message: OutboxMessage) -> MailBrand:
    """Return the brand the message's recipient knows the portal by."""
    resolve = _brand_function()
    if resolve is not None:
        return resolve(message)
    return MailBrand(name=parseaddr(settings.DEFAULT_FROM_EMAIL)[0])


def outbox_render(message: OutboxMessage) -> EmailMultiAlternatives:
    """Render a message in its recipient's language and brand, as text with an HTML part."""
    brand = outbox_brand(message)
    # No request here, so no i18n context processor: the layouts need the code for lang="".
    context = {
        "brand_name": brand.name,
        "brand_color": brand.color,
        "brand_text_color": brand.text_color,
        "brand_link_color": brand.link_color or brand.color,
        "brand_logo_url": brand.logo_url,
        **unseal(message.context),
        "site_url": brand.site_url or settings.SITE_URL,
        "LANGUAGE_CODE": message.language,
    }
    with translation.override(message.language):
        subject = render_to_string(f"email/{message.template}_subject.txt", context)
        text = render_to_string(f"email/{message.template}.txt", context)
        html = render_to_string(f"email/{message.template}.html", context)
    subject = " ".join(subject.split())
    if brand.subject_prefix and brand.name and brand.name not in subject:
        subject = f"[{brand.name}] {subject}"
    sender = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    email = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=formataddr((brand.name, sender)) if brand.name else settings.DEFAULT_FROM_EMAIL,
        to=[message.to_email],
        headers={"X-Connect-Outbox-Id": str(message.pk), **message.headers},
    )
    email.attach_alternative(html, "text/html")
    return email
