"""Write and deliver outbox emails (DESIGN.md, Email)."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from contracts.models import OutboxMessage

logger = logging.getLogger(__name__)

# A row left in "sending" this long belongs to a worker that died mid-delivery.
STALE_CLAIM = timedelta(minutes=10)
# Backoff between attempts: 1, 2, 4 ... minutes, capped at one hour.
BACKOFF_CAP = timedelta(hours=1)


def outbox_enqueue(
    *,
    to_email: str,
    template: str,
    language: str,
    idempotency_key: str,
    context: dict | None = None,
    recipient=None,
    headers: dict | None = None,
) -> OutboxMessage:
    """Write one email to the outbox and deliver it after the transaction commits.

    The idempotency key makes the call safe to repeat: a second call with the
    same key returns the existing row and queues nothing.
    """
    from contracts.tasks import outbox_deliver

    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    message, created = OutboxMessage.objects.get_or_create(
        idempotency_key=idempotency_key,
        defaults={
            "to_email": to_email,
            "recipient": recipient,
            "language": language,
            "template": template,
            "context": context or {},
            "headers": headers or {},
        },
    )
    if created:
        transaction.on_commit(lambda: outbox_deliver.delay(message.pk))
    return message


def outbox_render(message: OutboxMessage) -> EmailMultiAlternatives:
    """Render a message in its recipient's language, as text with an HTML part."""
    # No request here, so no i18n context processor: the layouts need the code for lang="".
    context = {**message.context, "site_url": settings.SITE_URL, "LANGUAGE_CODE": message.language}
    with translation.override(message.language):
        subject = render_to_string(f"email/{message.template}_subject.txt", context)
        text = render_to_string(f"email/{message.template}.txt", context)
        html = render_to_string(f"email/{message.template}.html", context)
    email = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.to_email],
        headers={"X-Connect-Outbox-Id": str(message.pk), **message.headers},
    )
    email.attach_alternative(html, "text/html")
    return email


def _backoff(attempts: int) -> timedelta:
    return min(timedelta(minutes=2 ** max(attempts - 1, 0)), BACKOFF_CAP)


def outbox_deliver_one(message_id: int) -> str:
    """Deliver one message if nobody else is; return what happened.

    The claim is a compare-and-set on the row: of two workers handed the same
    id, exactly one changes the row from pending/failed to sending and sends.
    """
    now = timezone.now()
    claimed = (
        OutboxMessage.objects.filter(
            pk=message_id,
            state__in=[OutboxMessage.State.PENDING, OutboxMessage.State.FAILED],
            attempts__lt=settings.OUTBOX_MAX_ATTEMPTS,
        )
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .update(state=OutboxMessage.State.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    )
    if claimed != 1:
        return "skipped"
    message = OutboxMessage.objects.get(pk=message_id)
    try:
        email = outbox_render(message)
        email.send(fail_silently=False)
    except Exception as exc:  # any transport or template error is recorded, not raised
        logger.warning("outbox message %s failed: %s", message_id, exc)
        retry = message.attempts < settings.OUTBOX_MAX_ATTEMPTS
        OutboxMessage.objects.filter(pk=message_id).update(
            state=OutboxMessage.State.FAILED,
            last_error=f"{type(exc).__name__}: {exc}"[:2000],
            next_attempt_at=timezone.now() + _backoff(message.attempts) if retry else None,
        )
        return "failed"
    sent = {"state": OutboxMessage.State.SENT, "sent_at": timezone.now(), "next_attempt_at": None}
    if message.context.get("sensitive"):
        # One-time links (password reset, verification) are not kept once sent.
        sent["context"] = {"sensitive": True, "redacted": True}
    OutboxMessage.objects.filter(pk=message_id).update(subject=email.subject[:300], **sent)
    return "sent"


def outbox_due_ids(*, limit: int = 500) -> list[int]:
    """Return ids of messages due for a (re)try, releasing claims of dead workers."""
    now = timezone.now()
    OutboxMessage.objects.filter(
        state=OutboxMessage.State.SENDING, claimed_at__lt=now - STALE_CLAIM
    ).update(
        state=OutboxMessage.State.FAILED,
        last_error="delivery interrupted (worker stopped while sending)",
        next_attempt_at=now,
    )
    return list(
        OutboxMessage.objects.filter(
            state__in=[OutboxMessage.State.PENDING, OutboxMessage.State.FAILED],
            attempts__lt=settings.OUTBOX_MAX_ATTEMPTS,
        )
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .order_by("id")
        .values_list("id", flat=True)[:limit]
    )


def outbox_retry(*, message_ids: list[int]) -> int:
    """Give failed messages a fresh set of attempts and queue them now."""
    from contracts.tasks import outbox_deliver

    ids = list(
        OutboxMessage.objects.filter(
            pk__in=message_ids, state=OutboxMessage.State.FAILED
        ).values_list("id", flat=True)
    )
    OutboxMessage.objects.filter(pk__in=ids).update(
        state=OutboxMessage.State.PENDING, attempts=0, next_attempt_at=None
    )
    for pk in ids:
        transaction.on_commit(lambda pk=pk: outbox_deliver.delay(pk))
    return len(ids)
