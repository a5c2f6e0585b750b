"""Write and deliver outbox emails (DESIGN.md, Email), and the Celery tasks that deliver them.

The tasks sit beside the services they wrap, so a service queues its own task and nothing
imports this module back. Recipients are `settings.AUTH_USER_MODEL` rows; templates are named
by the caller (`email/<name>_subject.txt`, `.txt`, `.html`), found in any app's templates.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from celery import shared_task
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from common.publishing import publish_on_commit
from mail.models import ContactPreference, OutboxMessage
from mail.services.rendering import outbox_render
from mail.services.secrets import is_sensitive, redact, seal
from mail.services.unsubscribe import unsubscribe_headers, unsubscribe_url

logger = logging.getLogger(__name__)

# A row left in "sending" this long belongs to a worker that died mid-delivery, and the flush
# sends it again. It must outlast the slowest delivery still under way, or that message goes
# out twice: one SMTP session is 12 exchanges at most (connect, greeting, EHLO, STARTTLS, TLS
# handshake, EHLO, AUTH, MAIL, RCPT, DATA, body, QUIT), each allowed EMAIL_TIMEOUT (20 s): 240 s.
# No longer than the broker's visibility timeout (settings), so a killed worker's batch and
# the message it was sending are both back within it (README, Failure behaviour).
STALE_CLAIM = timedelta(minutes=5)
# Backoff between attempts: 1, 2, 4 ... minutes, capped at one hour.
BACKOFF_CAP = timedelta(hours=1)
# Idempotency keys looked up per query: well under every database's parameter limit.
KEYS_PER_QUERY = 500


@dataclass(frozen=True, kw_only=True)
class OutboxDraft:
    """One email to write to the outbox: the arguments of outbox_enqueue."""

    to_email: str
    template: str
    language: str
    idempotency_key: str
    context: dict | None = None
    recipient: AbstractBaseUser | None = None
    headers: dict | None = None
    # Held until then (e.g. the support calendar's next opening); the minutely flush sends it.
    not_before: datetime | None = None
    # Bundled with the recipient's other pending messages of this digest (outbox_bundle_digests).
    digest: str = ""
    # The kind of optional email (mail.models.Topic) the recipient may turn off; "" always goes.
    topic: str = ""
    # Written by the system, not by a person: auto-responders must not answer it (RFC 3834).
    automated: bool = True

    def fields(self, preference: ContactPreference | None = None) -> dict:
        """Return the row's fields other than the key, given the recipient's preferences.

        An email of a topic the recipient turned off is kept as skipped, never sent; one they
        receive carries its topic's one-click unsubscribe link and headers.
        """
        language = self.language
        if language not in dict(settings.LANGUAGES):
            language = settings.LANGUAGE_CODE
        headers, context = dict(self.headers or {}), dict(self.context or {})
        if self.automated:
            headers.setdefault("Auto-Submitted", "auto-generated")
        state = OutboxMessage.State.PENDING
        if self.topic and self.recipient is not None:
            # No saved preferences: the defaults (every topic but the opt-in ones).
            preference = preference or ContactPreference()
            version = preference.version
            if not preference.receives(self.topic):
                state = OutboxMessage.State.SKIPPED
            else:
                headers = {**unsubscribe_headers(self.recipient, self.topic, version), **headers}
                context.setdefault(
                    "unsubscribe_url", unsubscribe_url(self.recipient, self.topic, version)
                )
        return {
            "to_email": self.to_email,
            "recipient": self.recipient,
            "language": language,
            "template": self.template,
            # One-time links are stored encrypted (mail.services.secrets).
            "context": seal(context),
            "headers": headers,
            "next_attempt_at": self.not_before,
            "digest": self.digest,
            "topic": self.topic,
            "state": state,
        }


def _preferences(drafts: list[OutboxDraft]) -> dict[int, ContactPreference]:
    """Return the saved preferences of the drafts' recipients of optional email (one query)."""
    ids = {draft.recipient.pk for draft in drafts if draft.topic and draft.recipient is not None}
    if not ids:
        return {}
    return {pref.user_id: pref for pref in ContactPreference.objects.filter(user_id__in=ids)}


def outbox_enqueue(
    *,
    to_email: str,
    template: str,
    language: str,
    idempotency_key: str,
    context: dict | None = None,
    recipient: AbstractBaseUser | None = None,
    headers: dict | None = None,
    not_before: datetime | None = None,
    digest: str = "",
    topic: str = "",
    automated: bool = True,
) -> OutboxMessage:
    """Write one email to the outbox and deliver it after the transaction commits.

    The idempotency key makes the call safe to repeat: a second call with the
    same key returns the existing row and queues nothing. A message held by
    `not_before` is left to the minutely flush, which sends it once due.
    """
    draft = OutboxDraft(
        to_email=to_email,
        template=template,
        language=language,
        idempotency_key=idempotency_key,
        context=context,
        recipient=recipient,
        headers=headers,
        not_before=not_before,
        digest=digest,
        topic=topic,
        automated=automated,
    )
    preference = _preferences([draft]).get(getattr(recipient, "pk", None))
    message, created = OutboxMessage.objects.get_or_create(
        idempotency_key=idempotency_key, defaults=draft.fields(preference)
    )
    if created and _due(message, timezone.now()):
        publish_on_commit(outbox_deliver, message.pk)
    return message


def outbox_enqueue_many(messages: Iterable[OutboxDraft]) -> list[OutboxMessage]:
    """Write many emails to the outbox in a few queries; deliver the due ones after commit.

    Returns one row per draft, in order. As with outbox_enqueue, a key already written, or
    repeated among the drafts, gives the existing row and queues nothing; one task delivers
    every new message due now, held ones are left to the minutely flush.
    """
    drafts = list(messages)
    if not drafts:
        return []
    with transaction.atomic():
        existing = _by_key([draft.idempotency_key for draft in drafts])
        new: dict[str, OutboxMessage] = {}
        preferences = _preferences([d for d in drafts if d.idempotency_key not in existing])
        for draft in drafts:
            key = draft.idempotency_key
            if key not in existing and key not in new:
                preference = preferences.get(getattr(draft.recipient, "pk", None))
                new[key] = OutboxMessage(idempotency_key=key, **draft.fields(preference))
        # A concurrent writer of the same key wins the race; the re-read returns its row, and
        # delivering it twice is harmless, since a delivery claims the row before sending.
        OutboxMessage.objects.bulk_create(new.values(), ignore_conflicts=True)
        created = _by_key(list(new))
        now = timezone.now()
        due = [message.pk for message in created.values() if _due(message, now)]
        if due:
            publish_on_commit(outbox_deliver_batch, due)
    rows = existing | created
    return [rows[draft.idempotency_key] for draft in drafts]


def _by_key(keys: list[str]) -> dict[str, OutboxMessage]:
    """Return the stored messages of these idempotency keys, by key."""
    unique = list(dict.fromkeys(keys))
    found: dict[str, OutboxMessage] = {}
    for start in range(0, len(unique), KEYS_PER_QUERY):
        chunk = unique[start : start + KEYS_PER_QUERY]
        found.update(
            (message.idempotency_key, message)
            for message in OutboxMessage.objects.filter(idempotency_key__in=chunk)
        )
    return found


def _due(message: OutboxMessage, now: datetime) -> bool:
    """Tell whether the message may go out alone at `now`: not held, or held until no later.

    A message of a digest waits for outbox_bundle_digests, which sends it in one email with
    the recipient's others, or alone when it is the only one.
    """
    if message.digest or message.state != OutboxMessage.State.PENDING:
        return False
    return message.next_attempt_at is None or message.next_attempt_at <= now


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
            digest="",
        )
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .update(state=OutboxMessage.State.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    )
    if claimed != 1:
        return "skipped"
    # With its recipient: the brand of the email is theirs (mail.services.rendering).
    message = OutboxMessage.objects.select_related("recipient").get(pk=message_id)
    try:
        email = outbox_render(message)
        email.send(fail_silently=False)
    except Exception as exc:  # any transport or template error is recorded, not raised
        logger.warning("outbox message %s failed: %s", message_id, exc)
        retry = message.attempts < settings.OUTBOX_MAX_ATTEMPTS
        failed = {
            "state": OutboxMessage.State.FAILED,
            "last_error": f"{type(exc).__name__}: {exc}"[:2000],
            "next_attempt_at": timezone.now() + _backoff(message.attempts) if retry else None,
        }
        if not retry and is_sensitive(message.context):
            # Failed for good: a one-time link is not kept, even sealed.
            failed["context"] = redact(message.context)
        OutboxMessage.objects.filter(pk=message_id).update(**failed)
        return "failed"
    sent = {"state": OutboxMessage.State.SENT, "sent_at": timezone.now(), "next_attempt_at": None}
    if is_sensitive(message.context):
        # One-time links (password reset, verification) are not kept once sent.
        sent["context"] = redact(message.context)
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
            digest="",
        )
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .order_by("id")
        .values_list("id", flat=True)[:limit]
    )


def outbox_retry(*, message_ids: list[int]) -> int:
    """Give failed messages a fresh set of attempts and queue them now.

    A one-time link that failed for good was removed (redacted): there is nothing to send
    again, the person asks for a new link instead.
    """
    ids = list(
        OutboxMessage.objects.filter(pk__in=message_ids, state=OutboxMessage.State.FAILED)
        .exclude(context__has_key="redacted")
        .values_list("id", flat=True)
    )
    OutboxMessage.objects.filter(pk__in=ids).update(
        state=OutboxMessage.State.PENDING, attempts=0, next_attempt_at=None
    )
    for pk in ids:
        publish_on_commit(outbox_deliver, pk)
    return len(ids)


def outbox_deliver_pending_on_commit(message_ids: list[int]) -> None:
    """Queue delivery of those of the messages still pending, once the transaction commits.

    For writers that insert outbox rows themselves (a notice fan-out): a message of a crashed
    earlier run that is still pending goes out too, one already sent or claimed does not.
    """
    # Looked up by primary key, the state checked here: a filter on the state would let
    # the database walk every pending message of the outbox instead.
    states = OutboxMessage.objects.filter(pk__in=message_ids).values_list("pk", "state")
    pending = sorted(pk for pk, state in states if state == OutboxMessage.State.PENDING)
    if pending:
        publish_on_commit(outbox_deliver_batch, pending)


# --- Digests: a recipient's messages that fall due together go out as one email ----------

# A digest message whose writer died before bundling it is bundled by the flush after this.
DIGEST_SETTLE = timedelta(minutes=2)


def outbox_bundle_digests(*, digest: str = "", written_before: datetime | None = None) -> int:
    """Send each recipient's pending messages of a digest as one email; return emails queued.

    The writer (the SLA sweep) calls it once it has written a run's messages; the minutely
    flush calls it for messages older than DIGEST_SETTLE, should the writer have stopped in
    between. A recipient with a single message gets that message as it is.
    """
    now = timezone.now()
    pending = OutboxMessage.objects.filter(state=OutboxMessage.State.PENDING).exclude(digest="")
    pending = pending.filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
    if digest:
        pending = pending.filter(digest=digest)
    if written_before is not None:
        pending = pending.filter(created_at__lte=written_before)
    groups = pending.order_by().values_list("digest", "to_email").distinct()
    queued = 0
    for name, to_email in list(groups):
        try:
            queued += _bundle(name, to_email, now)
        except _Raced:
            # Another bundler took some of these messages first: they go out with its email.
            logger.info("digest %s to %s bundled by another worker", name, to_email)
    return queued


class _Raced(Exception):
    """Another bundler changed the messages between the read and the update."""


@transaction.atomic
def _bundle(digest: str, to_email: str, now: datetime) -> int:
    """Bundle one recipient's pending messages of one digest; 0 if another bundler had them."""
    items = list(
        OutboxMessage.objects.select_for_update(skip_locked=True)
        .filter(state=OutboxMessage.State.PENDING, digest=digest, to_email=to_email)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .order_by("created_at", "id")
    )
    if not items:
        return 0
    ids = [item.pk for item in items]
    if len(items) == 1:
        # Compare-and-set, as everywhere in the outbox: of two bundlers one releases it.
        released = OutboxMessage.objects.filter(pk=ids[0], state=OutboxMessage.State.PENDING)
        if released.exclude(digest="").update(digest="") != 1:
            return 0
        publish_on_commit(outbox_deliver, ids[0])
        return 1
    first = items[0]
    topics = {item.topic for item in items}
    context = {
        "recipient_name": first.context.get("recipient_name", ""),
        "count": len(items),
        "items": [{"template": item.template, **item.context} for item in items],
    }
    headers = {"Auto-Submitted": "auto-generated"}
    optional = sorted(topic for topic in topics if topic)
    if optional and first.recipient is not None:
        # Turning the optional kind off leaves the digest with what is always sent.
        headers |= unsubscribe_headers(first.recipient, optional[0])
        context["unsubscribe_url"] = unsubscribe_url(first.recipient, optional[0])
    bundle = OutboxMessage.objects.create(
        idempotency_key=f"digest:{digest}:{first.pk}",
        to_email=to_email,
        recipient=first.recipient,
        language=first.language,
        template=digest,
        topic=topics.pop() if len(topics) == 1 else "",
        context=context,
        headers=headers,
    )
    taken = OutboxMessage.objects.filter(pk__in=ids, state=OutboxMessage.State.PENDING).update(
        state=OutboxMessage.State.BUNDLED, bundled_into=bundle, sent_at=now
    )
    if taken != len(ids):
        raise _Raced(f"digest {digest} to {to_email}: bundled {taken} of {len(ids)}")
    publish_on_commit(outbox_deliver, bundle.pk)
    return 1


# --- Celery tasks: each takes ids and calls one service above; safe to run twice ---------


@shared_task(name="mail.outbox_deliver", ignore_result=True)
def outbox_deliver(message_id: int) -> str:
    """Deliver one outbox message; safe to run twice or concurrently."""
    return outbox_deliver_one(message_id)


@shared_task(name="mail.outbox_deliver_batch", ignore_result=True)
def outbox_deliver_batch(message_ids: list[int]) -> int:
    """Deliver a batch of outbox messages in turn; each is claimed, so a rerun sends none twice."""
    return sum(outbox_deliver_one(message_id) == "sent" for message_id in message_ids)


@shared_task(name="mail.outbox_flush", ignore_result=True)
def outbox_flush() -> int:
    """Bundle settled digests, then retry every message whose backoff has passed (beat, minutely)."""
    outbox_bundle_digests(written_before=timezone.now() - DIGEST_SETTLE)
    ids = outbox_due_ids()
    for message_id in ids:
        outbox_deliver_one(message_id)
    return len(ids)
