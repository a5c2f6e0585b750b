"""Publish an update notice and write all its messages from the command line (SLP-14)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from notices.models import UpdateNotice
from notices.services.publish import update_notice_fanout_run


class Command(BaseCommand):
    help = (
        "Publish update notice ID (if it is a draft or due) and write one email per recipient. "
        "Safe to run again: people already written to are counted, not written to twice."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("notice_id", type=int)

    def handle(self, *args, notice_id: int, **options) -> None:
        notice = UpdateNotice.objects.filter(pk=notice_id).first()
        if notice is None:
            raise CommandError(f"No update notice with id {notice_id}.")
        try:
            report = update_notice_fanout_run(notice=notice)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        self.stdout.write(
            f"recipients={report.recipients} queued={report.queued} "
            f"already_sent={report.already_sent}"
        )
