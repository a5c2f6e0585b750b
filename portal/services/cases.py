"""Writes of the case pages: a case and its files go in together, or not at all."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.files import File
from django.db import transaction

from cases.models import Attachment, Case
from cases.services import case_attach, case_open
from contracts.models import User


def _forget_stored(attachments: Iterable[Attachment]) -> None:
    # Their rows were rolled back; the files the storage already holds must go too.
    for attachment in attachments:
        attachment.file.storage.delete(attachment.file.name)


def case_files_attach(*, case: Case, by: User, files: Iterable[File]) -> list[Attachment]:
    """Attach every file or none: one refused file keeps the others out too."""
    stored: list[Attachment] = []
    try:
        with transaction.atomic():
            for file in files:
                stored.append(case_attach(case=case, by=by, file=file))
    except Exception:
        _forget_stored(stored)
        raise
    return stored


def case_open_with_files(*, files: Iterable[File] = (), **fields) -> Case:
    """Open a case through the intake service and attach its files, in one transaction.

    A refused file raises its ValidationError and no case is opened, so the person can fix
    the file and send the form again without a half-filed case behind it.
    """
    stored: list[Attachment] = []
    try:
        with transaction.atomic():
            case = case_open(**fields)
            for file in files:
                stored.append(case_attach(case=case, by=fields["reporter"], file=file))
    except Exception:
        _forget_stored(stored)
        raise
    return case
