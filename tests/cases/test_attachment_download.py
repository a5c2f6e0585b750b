"""The attachment download view: access-checked, always a download, never sniffed or rendered."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases import services

SVG_LIKE = b"<?xml version='1.0'?><svg onload='alert(1)'/>"


@pytest.fixture
def attachments(case_in, acme_agent, staff_agent):
    case = case_in("in_progress")
    public = services.case_attach(
        case=case, by=acme_agent, file=SimpleUploadedFile("post.xml", SVG_LIKE)
    )
    internal = services.case_attach(
        case=case, by=staff_agent, file=SimpleUploadedFile("notes.txt", b"internal"), public=False
    )
    return public, internal


def _url(attachment) -> str:
    return reverse("cases:attachment_download", args=[attachment.pk])


def test_the_owner_downloads_it_as_an_attachment_that_is_not_sniffed(
    client, attachments, acme_agent
):
    public, _internal = attachments
    client.force_login(acme_agent)

    response = client.get(_url(public))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == SVG_LIKE
    assert response["Content-Disposition"] == 'attachment; filename="post.xml"'
    assert response["Content-Type"] == "application/xml"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert "no-store" in response["Cache-Control"]


def test_another_tenant_gets_404(client, attachments, globex_agent):
    public, _internal = attachments
    client.force_login(globex_agent)

    assert client.get(_url(public)).status_code == 404


def test_internal_attachments_are_404_to_customers_and_served_to_staff(
    client, attachments, acme_agent, staff_agent, staff_login
):
    _public, internal = attachments
    client.force_login(acme_agent)
    assert client.get(_url(internal)).status_code == 404

    staff_login(staff_agent)
    response = client.get(_url(internal))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"internal"


def test_a_missing_attachment_is_the_same_404(client, attachments, acme_agent):
    client.force_login(acme_agent)

    assert client.get(reverse("cases:attachment_download", args=[999_999])).status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client, attachments):
    public, _internal = attachments

    response = client.get(_url(public))

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_download_only_answers_get(client, attachments, acme_agent):
    public, _internal = attachments
    client.force_login(acme_agent)

    assert client.post(_url(public)).status_code == 405


def test_uploads_are_not_served_by_any_other_route(client, attachments, acme_agent):
    public, _internal = attachments
    client.force_login(acme_agent)

    assert client.get(f"/media/{public.file.name}").status_code == 404
    assert client.get(f"/{public.file.name}").status_code == 404


def test_staff_without_mfa_cannot_download_internal_attachments(client, attachments, staff_agent):
    _public, internal = attachments
    client.force_login(staff_agent)

    response = client.get(_url(internal))

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/2fa/totp/activate/")
