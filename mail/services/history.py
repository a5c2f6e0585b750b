"""Record the emails of a history written after the fact as sent, without delivering them.

The demo seeding plays months of cases through the real services, so the outbox holds every
email that history would have sent. Those rows stay (staff see them in the admin), but nobody
should receive them now: they are marked sent, stamped with HISTORY_HEADER so a reader of the
row can tell them from delivered mail, and neither the delivery task nor the flush picks them
up again (both claim only pending or failed rows).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from mail.models import OutboxMessage
from mail.services.secrets import redact

# The marker kept in the row's extra headers; it says the message was recorded, not delivered.
HISTORY_HEADER = "X-Connect-Demo-History"
HISTORY_NOTE = "recorded, not sent"
# Rows locked and written per query: well under every database's parameter limit.
IDS_PER_QUERY = 500

_UNSENT = (OutboxMessage.State.PENDING, OutboxMessage.State.FAILED)
_FIELDS = ["state", "sent_at", "next_attempt_at", "last_error", "headers", "context"]


@transaction.atomic
def outbox_record_as_sent(message_ids: Iterable[int], *, now: datetime | None = None) -> int:
    """Mark pending or failed messages sent without delivering them; return how many.

    Each row keeps its subject and context and gets HISTORY_HEADER in its headers; a row
    already sending, sent or bundled is left alone, so a concurrent delivery wins and a
    second call changes nothing. As after a real send, a one-time link (a "sensitive"
    context) is not kept.
    """
    now = now or timezone.now()
    ids = sorted(set(message_ids))
    recorded = 0
    for start in range(0, len(ids), IDS_PER_QUERY):
        # Locked, then re-read as unsent: a worker claiming one of them meanwhile keeps it.
        rows = list(
            OutboxMessage.objects.select_for_update()
            .filter(pk__in=ids[start : start + IDS_PER_QUERY], state__in=_UNSENT)
            .order_by("pk")
        )
        for row in rows:
            row.state = OutboxMessage.State.SENT
            row.sent_at = now
            row.next_attempt_at = None
            row.last_error = ""
            row.headers = {**row.headers, HISTORY_HEADER: HISTORY_NOTE}
            row.context = redact(row.context)
        OutboxMessage.objects.bulk_update(rows, _FIELDS)
        recorded += len(rows)
    return recorded
