"""Attachments: a size cap, an allowlist checked by extension and by content, stored off the web root."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from cases.models import Attachment, Case, EventKind, Status
from cases.services._shared import (
    case_finish,
    case_locked,
    customer_may_act,
    event_add,
    instant,
    lazy_text,
    staff_required,
)
from contracts.models import User

# Overridable per deployment with settings.CASE_ATTACHMENT_MAX_BYTES.
MAX_BYTES = 10 * 1024 * 1024
_HEAD = 4096
# Control bytes that never occur in text files (tab, newlines, form feed, DOS EOF and ESC do).
_BINARY_BYTES = frozenset(range(32)) - {9, 10, 12, 13, 26, 27}


def attachment_max_bytes() -> int:
    """Return the largest accepted upload, in bytes."""
    return getattr(settings, "CASE_ATTACHMENT_MAX_BYTES", MAX_BYTES)


def _is_text(head: bytes) -> bool:
    return not (_BINARY_BYTES & set(head))


def _text_starting(*openers: bytes) -> Callable[[bytes], bool]:
    def check(head: bytes) -> bool:
        body = head.removeprefix(b"\xef\xbb\xbf").lstrip()
        return _is_text(head) and (not body or body.startswith(openers))

    return check


def _magic(*signatures: bytes) -> Callable[[bytes], bool]:
    return lambda head: head.startswith(signatures)


# Extension -> (content type served, check of the first bytes). G-code comes as .nc, .tap, .gcode.
ALLOWED_TYPES: dict[str, tuple[str, Callable[[bytes], bool]]] = {
    "pdf": ("application/pdf", _magic(b"%PDF-")),
    "png": ("image/png", _magic(b"\x89PNG\r\n\x1a\n")),
    "jpg": ("image/jpeg", _magic(b"\xff\xd8\xff")),
    "jpeg": ("image/jpeg", _magic(b"\xff\xd8\xff")),
    "gif": ("image/gif", _magic(b"GIF87a", b"GIF89a")),
    "zip": ("application/zip", _magic(b"PK\x03\x04", b"PK\x05\x06")),
    "txt": ("text/plain", _is_text),
    "log": ("text/plain", _is_text),
    "csv": ("text/csv", _is_text),
    "nc": ("text/plain", _is_text),
    "tap": ("text/plain", _is_text),
    "gcode": ("text/plain", _is_text),
    "xml": ("application/xml", _text_starting(b"<")),
    "json": ("application/json", _text_starting(b"{", b"[")),
}


def attachment_name_clean(name: str) -> str:
    """Return a safe display name: no folders, no control or reserved characters, 255 at most."""
    name = unicodedata.normalize("NFC", name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable() and ch not in '<>:"|?*;')
    name = name.strip(" .") or "attachment"
    stem, dot, ext = name.rpartition(".")
    if len(name) > 255:
        name = f"{stem[: 254 - len(ext)]}.{ext}" if dot and len(ext) < 20 else name[:255]
    return name


def _refuse(message, code: str) -> None:
    raise ValidationError({"file": ValidationError(message, code=code)})


def _checked_type(name: str, file: File) -> str:
    """Return the content type to serve, after checking extension and content agree."""
    ext = name.rpartition(".")[2].lower() if "." in name else ""
    if ext not in ALLOWED_TYPES:
        _refuse(
            lazy_text(
                _("Files of type “.%(ext)s” are not accepted. Accepted: %(list)s."),
                ext=ext or "?",
                list=", ".join(f".{e}" for e in ALLOWED_TYPES),
            ),
            "type_not_allowed",
        )
    content_type, looks_right = ALLOWED_TYPES[ext]
    file.seek(0)
    head = file.read(_HEAD)
    file.seek(0)
    if not looks_right(head):
        _refuse(
            lazy_text(_("The content of “%(name)s” is not a .%(ext)s file."), name=name, ext=ext),
            "content_mismatch",
        )
    return content_type


def _checked_size(file: File) -> int:
    size = file.size
    limit = attachment_max_bytes()
    if not size:
        _refuse(_("The file is empty."), "empty")
    if size > limit:
        _refuse(
            lazy_text(
                _("The file is %(size)s; the limit is %(limit)s."),
                size=filesizeformat(size),
                limit=filesizeformat(limit),
            ),
            "too_large",
        )
    return size


def _check_uploader(case: Case, by: User, public: bool) -> None:
    if by.is_staff:
        staff_required(by)
        return
    customer_may_act(case, by)
    if not public:
        _refuse(_("Your attachments are always visible to support and your team."), "internal")
    if case.status in (Status.CLOSED, Status.WITHDRAWN):
        _refuse(_("This case is closed: open a new case and quote its number."), "final")


@transaction.atomic
def case_attach(
    *, case: Case, by: User, file: File, public: bool = True, at: datetime | None = None
) -> Attachment:
    """Attach a file to the case after checking its size, type and content."""
    case = case_locked(case)
    at = instant(at, case)
    _check_uploader(case, by, public)
    name = attachment_name_clean(file.name)
    size = _checked_size(file)
    content_type = _checked_type(name, file)
    event = event_add(
        case, EventKind.ATTACHMENT, by=by, at=at, public=public, body=name, data={"size": size}
    )
    attachment = Attachment(
        case=case,
        event=event,
        original_name=name,
        content_type=content_type,
        size=size,
        public=public,
        uploaded_by=by,
    )
    attachment.file.save(name, file, save=False)
    try:
        attachment.save()
        case_finish(case, at, [])
    except Exception:
        # The row is rolled back with the transaction; do not leave the stored file behind.
        attachment.file.storage.delete(attachment.file.name)
        raise
    return attachment
