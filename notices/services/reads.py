"""What a person has read of the notices: the urgent banner stops showing a notice once opened."""

from __future__ import annotations

from contracts.models import User
from notices.models import NoticeRead, UpdateNotice


def update_notice_mark_read(*, notice: UpdateNotice, user: User) -> None:
    """Record that the person opened the notice, so its banner stops showing."""
    NoticeRead.objects.get_or_create(notice=notice, user=user)
