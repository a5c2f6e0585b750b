"""Policy-change notices (SLP-17): tell every covered organisation 30 days ahead, then publish."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import formats, timezone, translation

from contracts.models import Contract, Membership, User
from mail.services.outbox import OutboxDraft, outbox_enqueue_many
from sla.models import NOTICE_PERIOD, PolicyTarget, PolicyVersion, Priority
from sla.models.policies import notice_period_error
from sla.services.policies import policy_version_publish

logger = logging.getLogger(__name__)

TEMPLATE = "policy_change"
# Drafts written to the outbox per batch: a few queries and one delivery task each.
_BATCH = 1000
_FIGURES = ("response_minutes", "resolution_minutes", "update_minutes")


@dataclass(frozen=True)
class Announcement:
    """A published version and how many people were written to about it."""

    version: PolicyVersion
    recipients: int


def policy_notice_audience(*, at: datetime) -> QuerySet[Membership]:
    """Return the designated contacts of every organisation covered at the instant (SLP-1).

    Holders of a contract in force, and the partners serving them: one membership per person.
    """
    in_force = Contract.objects.in_force_on(timezone.localdate(at))
    return Membership.objects.filter(
        Q(organization_id__in=in_force.values("holder_id"))
        | Q(organization_id__in=in_force.values("holder__partner_id")),
        is_active=True,
        is_technical_contact=True,
        user__is_active=True,
    ).select_related("user")


@transaction.atomic
def policy_version_announce(
    *, version: PolicyVersion, by: User | None, now: datetime | None = None
) -> Announcement:
    """Send the notice of a draft version to every covered contact and publish it (SLP-17).

    Everything is checked before a single email is written; the emails leave only once the
    publication commits, so a refused version sends nothing.
    """
    now = now or timezone.now()
    if version.effective_from < now + NOTICE_PERIOD:
        raise ValidationError({"effective_from": notice_period_error(now)})
    previous = PolicyVersion.objects.in_force_at(now).first()
    published = policy_version_publish(version=version, notice_sent_at=now, now=now)
    rows = _target_rows(previous, published)
    recipients = 0
    batch: list[OutboxDraft] = []
    for membership in policy_notice_audience(at=now).iterator(chunk_size=_BATCH):
        user = membership.user
        batch.append(
            OutboxDraft(
                to_email=user.email,
                recipient=user,
                language=user.language,
                template=TEMPLATE,
                # The notice instant is in the key: a withdrawn and re-announced version is news.
                idempotency_key=f"policy-change:{published.pk}:{int(now.timestamp())}:{user.pk}",
                context=_context(published, previous, rows, user),
            )
        )
        if len(batch) == _BATCH:
            recipients += len(outbox_enqueue_many(batch))
            batch = []
    recipients += len(outbox_enqueue_many(batch))
    logger.info(
        "policy version %s announced by %s to %d contacts", published, by or "system", recipients
    )
    return Announcement(version=published, recipients=recipients)


def _targets(version: PolicyVersion | None) -> dict[str, PolicyTarget]:
    if version is None:
        return {}
    return {target.priority: target for target in version.targets.all()}


def _target_rows(previous: PolicyVersion | None, new: PolicyVersion) -> list[dict]:
    """Return old and new figures per priority, in support minutes (None where none existed)."""
    old_targets, new_targets = _targets(previous), _targets(new)
    rows = []
    for priority in Priority.values:
        old, current = old_targets.get(priority), new_targets.get(priority)
        row = {"priority": priority}
        for figure in _FIGURES:
            row[f"old_{figure}"] = getattr(old, figure) if old else None
            row[f"new_{figure}"] = getattr(current, figure) if current else None
        rows.append(row)
    return rows


def _hours(minutes: int | None) -> str:
    """Render support minutes as hours in the active language: 150 -> "2.5 h" / "2,5 h"."""
    if minutes is None:
        return "-"
    if minutes % 60 == 0:
        return f"{minutes // 60} h"
    return f"{formats.number_format(round(minutes / 60, 2), use_l10n=True)} h"


def _context(
    version: PolicyVersion, previous: PolicyVersion | None, rows: list[dict], user: User
) -> dict:
    """Return the email context in the recipient's language and time zone."""
    language = user.language if user.language in dict(settings.LANGUAGES) else "en"
    with translation.override(language), timezone.override(user.time_zone):
        table = [
            {
                "priority": str(Priority(row["priority"]).label),
                **{
                    f"{age}_{figure}": _hours(row[f"{age}_{figure}"])
                    for age in ("old", "new")
                    for figure in _FIGURES
                },
                "changed": any(row[f"old_{f}"] != row[f"new_{f}"] for f in _FIGURES),
            }
            for row in rows
        ]
        effective = formats.date_format(timezone.localtime(version.effective_from))
        effective_time = formats.time_format(timezone.localtime(version.effective_from))
    return {
        "recipient_name": user.get_short_name(),
        "version_name": version.name,
        "previous_name": previous.name if previous else "",
        "effective_from": version.effective_from.isoformat(),
        "effective_date_display": effective,
        "effective_time_display": f"{effective_time} ({user.time_zone})",
        "rows": table,
    }
