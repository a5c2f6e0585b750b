"""What the notice admin shows: state labels, progress bars, the email preview."""

from __future__ import annotations

import datetime as dt

from django.utils.html import format_html
from django.utils.translation import gettext

from contracts.models import SiteRelease, User
from mail.models import OutboxMessage
from mail.services.outbox import outbox_render
from notices.models import UpdateNotice
from notices.selectors import NoticeProgress, update_notice_overdue
from notices.services.audience import AffectedSite
from notices.services.fanout import TEMPLATE, notice_message_context

# What publishing does next, by the notice's state (see notice_next_step).
SEND, SCHEDULE, RESUME = "send", "schedule", "resume"


def notice_next_step(notice: UpdateNotice, *, now: dt.datetime) -> str | None:
    """Return what publishing the notice now does: send, schedule, resume, or nothing."""
    if notice.status == UpdateNotice.Status.DRAFT:
        later = notice.kind == UpdateNotice.Kind.SCHEDULED and notice.publish_at
        return SCHEDULE if later and notice.publish_at > now else SEND
    if notice.status == UpdateNotice.Status.SCHEDULED:
        return SEND if update_notice_overdue(notice, now=now) else None
    if notice.status == UpdateNotice.Status.PUBLISHING:
        return RESUME
    return None


def notice_state_label(notice: UpdateNotice, *, now: dt.datetime) -> str:
    """Return the notice's status, saying so when its publish time passed and it was not sent."""
    if update_notice_overdue(notice, now=now):
        if notice.status == UpdateNotice.Status.DRAFT:
            return gettext("Draft - publish time passed, not sent")
        return gettext("Scheduled - publish time passed, not started")
    return notice.get_status_display()


def progress_bar(progress: NoticeProgress) -> str:
    """Return a small bar of the sent and failed shares, its figures in the tooltip."""
    return format_html(
        '<div title="{}" style="display:flex;width:160px;height:10px;background:#e3e6ea;'
        'border-radius:5px;overflow:hidden"><span style="width:{}%;background:#1a7f37"></span>'
        '<span style="width:{}%;background:#b42318"></span></div>',
        gettext("%(sent)d sent, %(failed)d failed, %(pending)d pending of %(recipients)d")
        % {
            "sent": progress.sent,
            "failed": progress.failed,
            "pending": progress.pending,
            "recipients": progress.recipients,
        },
        progress.percent_sent,
        progress.percent_failed,
    )


def _sample_sites(notice: UpdateNotice) -> list[AffectedSite]:
    runs = (
        SiteRelease.objects.filter(release__update_notices=notice)
        .select_related("site__organization", "release__product", "patch")
        .order_by("site__code")[:3]
    )
    sites = [
        AffectedSite(
            code=run.site.code,
            name=run.site.name,
            organization=run.site.organization.name,
            runs=[str(run.patch or run.release)],
        )
        for run in runs
    ]
    return sites or [AffectedSite("EXAMPLE-01", "Example site", "Example Ltd", ["-"])]


def notice_preview(notice: UpdateNotice, language: str) -> dict[str, str]:
    """Render the email a contact would receive, in one language, without writing it."""
    sample = User(email="contact@example.com", full_name=gettext("Alex Example"), language=language)
    message = OutboxMessage(
        to_email=sample.email,
        language=language,
        template=TEMPLATE,
        context=notice_message_context(notice, sample, _sample_sites(notice)),
    )
    email = outbox_render(message)
    return {
        "language": language,
        "subject": email.subject,
        "text": email.body,
        "html": email.alternatives[0][0],
    }
