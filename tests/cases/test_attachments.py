"""Attachments: size cap, type allowlist by extension and content, stored off the web root."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from cases.models import Attachment, CaseEvent, EventKind
from cases.services import case_attach
from cases.services.attachments import MAX_BYTES, attachment_name_clean

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"
GCODE = b"%\nO1000 (FACE MILL)\nG21 G90 G17\nT1 M06\nS8000 M03\nG00 X0 Y0\nM30\n%\n"


def _upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


@pytest.mark.parametrize(
    ("name", "content", "served_as"),
    [
        ("screen.png", PNG, "image/png"),
        ("report.PDF", PDF, "application/pdf"),
        ("job.nc", GCODE, "text/plain"),
        ("job.tap", GCODE, "text/plain"),
        ("job.gcode", GCODE, "text/plain"),
        ("trace.log", "Démarrage du poste\tOK\r\n".encode(), "text/plain"),
        ("post.xml", b"\xef\xbb\xbf<?xml version='1.0'?><post/>", "application/xml"),
        ("config.json", b'  {"axis": 5}', "application/json"),
        ("bundle.zip", b"PK\x03\x04" + b"\x00" * 40, "application/zip"),
    ],
)
def test_allowed_files_are_stored_with_the_type_we_serve(
    case_in, acme_agent, settings, name, content, served_as
):
    case = case_in("in_progress")

    attachment = case_attach(case=case, by=acme_agent, file=_upload(name, content))

    assert (attachment.original_name, attachment.content_type) == (name, served_as)
    assert attachment.size == len(content)
    stored = Path(attachment.file.path)
    assert stored.read_bytes() == content
    assert stored.is_relative_to(Path(settings.MEDIA_ROOT))
    assert not stored.is_relative_to(Path(settings.STATIC_ROOT))
    # Stored under a random name; the original name is only kept on the row.
    assert name not in stored.name
    event = CaseEvent.objects.get(case=case, kind=EventKind.ATTACHMENT)
    assert event.attachment == attachment and event.public


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("setup.exe", b"MZ\x90\x00", "type_not_allowed"),
        ("page.html", b"<html><script>alert(1)</script>", "type_not_allowed"),
        ("noextension", b"plain text", "type_not_allowed"),
        ("invoice.pdf", b"MZ\x90\x00 not a pdf", "content_mismatch"),
        ("photo.png", PDF, "content_mismatch"),
        ("notes.txt", b"text\x00\x01\x02binary", "content_mismatch"),
        ("data.json", b"<html></html>", "content_mismatch"),
        ("empty.txt", b"", "empty"),
    ],
)
def test_other_files_are_refused_with_a_clear_reason(case_in, acme_agent, name, content, code):
    case = case_in("in_progress")

    with pytest.raises(ValidationError) as refused:
        case_attach(case=case, by=acme_agent, file=_upload(name, content))

    [error] = refused.value.error_dict["file"]
    assert error.code == code
    assert not Attachment.objects.exists()


def test_a_file_over_the_cap_is_refused_and_nothing_is_stored(case_in, acme_agent, settings):
    assert MAX_BYTES == 10 * 1024 * 1024
    settings.CASE_ATTACHMENT_MAX_BYTES = 1024
    case = case_in("in_progress")

    with pytest.raises(ValidationError) as refused:
        case_attach(case=case, by=acme_agent, file=_upload("big.txt", b"a" * 3000))

    assert refused.value.messages == ["The file is 2.9\xa0KB; the limit is 1.0\xa0KB."]
    assert not Attachment.objects.exists()
    media = Path(settings.MEDIA_ROOT)
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


def test_file_names_are_sanitised(case_in, acme_agent):
    attachment = case_attach(
        case=case_in("in_progress"),
        by=acme_agent,
        file=_upload("../../etc/<evil>\x07name.txt", b"hello"),
    )

    assert attachment.original_name == "evilname.txt"


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("C:\\Users\\ada\\trace.log", "trace.log"),
        ("..", "attachment"),
        ('re"port;.pdf', "report.pdf"),
        ("a" * 300 + ".txt", "a" * 251 + ".txt"),  # 255 characters, extension kept
    ],
)
def test_attachment_name_clean(raw, clean):
    assert attachment_name_clean(raw) == clean


def test_customers_cannot_upload_internal_attachments(case_in, acme_agent):
    with pytest.raises(ValidationError) as refused:
        case_attach(
            case=case_in("in_progress"), by=acme_agent, file=_upload("a.txt", b"x"), public=False
        )

    assert refused.value.error_dict["file"][0].code == "internal"


def test_staff_can_attach_internal_files_kept_off_the_public_timeline(case_in, staff_agent):
    attachment = case_attach(
        case=case_in("in_progress"), by=staff_agent, file=_upload("dump.txt", b"x"), public=False
    )

    assert attachment.public is False and attachment.event.public is False


def test_another_tenant_cannot_attach(case_in, globex_agent):
    with pytest.raises(PermissionDenied):
        case_attach(case=case_in("in_progress"), by=globex_agent, file=_upload("a.txt", b"x"))
