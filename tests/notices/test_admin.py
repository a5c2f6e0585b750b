"""Staff admin of site releases and update notices: write, preview, send, follow (SLP-14)."""

from __future__ import annotations

import csv
import io
import smtplib

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend

from contracts.selectors import sites_on_unsupported_releases
from mail.models import OutboxMessage
from notices.models import UpdateNotice
from notices.services.publish import update_notice_fanout_run
from tests.notices.cast import ADMIN, LOCMEM, T0, notice, notice_form, runs

pytestmark = pytest.mark.usefixtures("admin_pages")


class RefusingBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise smtplib.SMTPException("550 5.1.1 mailbox unknown")


def test_staff_write_a_notice_and_land_on_its_preview(sender, admin_world, staff_contract_admin):
    response = sender.post(f"{ADMIN}add/", {**notice_form([admin_world["2026"]]), "_preview": "1"})

    created = UpdateNotice.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{ADMIN}{created.pk}/preview/"
    assert created.status == UpdateNotice.Status.DRAFT
    assert created.created_by == staff_contract_admin
    assert list(created.releases.all()) == [admin_world["2026"]]


def test_the_form_refuses_an_unsupported_release_next_to_the_field(sender, admin_world):
    response = sender.post(f"{ADMIN}add/", notice_form([admin_world["2025"], admin_world["2026"]]))

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "CONNECT CAM 2025 is no longer supported" in errors["releases"][0]
    assert not UpdateNotice.objects.exists()


def test_the_form_refuses_a_notice_without_its_french_body(sender, admin_world):
    response = sender.post(f"{ADMIN}add/", notice_form([admin_world["2026"]], body_fr=""))

    errors = response.context["adminform"].form.errors
    assert errors["body_fr"][0].startswith("Write the French body too")
    assert not UpdateNotice.objects.exists()


def test_the_preview_renders_the_email_in_english_and_french(sender, admin_world):
    draft = notice([admin_world["2026"]])

    page = sender.get(f"{ADMIN}{draft.pk}/preview/")

    previews = page.context["previews"]
    assert [p["language"] for p in previews] == ["en", "fr"]
    assert "Fix for the post-processor crash" in previews[0]["subject"]
    assert "Correctif du plantage du post-processeur" in previews[1]["subject"]
    assert "Installez le correctif 2026.4" in previews[1]["text"]
    assert "ACME-CHI" in previews[0]["html"]
    assert OutboxMessage.objects.count() == 0


def test_confirming_the_publication_sends_and_shows_progress(
    sender, admin_world, django_capture_on_commit_callbacks
):
    draft = notice([admin_world["2026"]])

    with django_capture_on_commit_callbacks(execute=True):
        response = sender.post(f"{ADMIN}{draft.pk}/publish/", {"step": "send"})

    assert response["Location"] == f"{ADMIN}{draft.pk}/progress/"
    assert sorted(m.to[0] for m in mail.outbox) == ["admin@acme.test", "responsable@acme.test"]
    progress = sender.get(response["Location"]).context["progress"]
    assert (progress.recipients, progress.sent, progress.failed, progress.pending) == (2, 2, 0, 0)


def test_a_published_notice_opens_read_only(sender, admin_world):
    sent = notice([admin_world["2026"]])
    update_notice_fanout_run(notice=sent)

    response = sender.post(
        f"{ADMIN}{sent.pk}/change/", notice_form([admin_world["2026"]], title_en="New")
    )

    assert response.status_code == 403
    sent.refresh_from_db()
    assert sent.title_en == "Fix for the post-processor crash"


def test_failures_show_their_error_and_retry_sends_them(
    sender, admin_world, settings, django_capture_on_commit_callbacks
):
    sent = notice([admin_world["2026"]])
    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"
    with django_capture_on_commit_callbacks(execute=True):
        update_notice_fanout_run(notice=sent)

    page = sender.get(f"{ADMIN}{sent.pk}/progress/")
    assert page.context["progress"].failed == 2
    assert "550 5.1.1 mailbox unknown" in page.content.decode()

    settings.EMAIL_BACKEND = LOCMEM
    with django_capture_on_commit_callbacks(execute=True):
        sender.post(f"{ADMIN}{sent.pk}/retry/")

    assert len(mail.outbox) == 2
    assert sender.get(f"{ADMIN}{sent.pk}/progress/").context["progress"].sent == 2


def test_the_delivery_report_downloads_as_csv(
    sender, admin_world, django_capture_on_commit_callbacks
):
    sent = notice([admin_world["2026"]])
    with django_capture_on_commit_callbacks(execute=True):
        update_notice_fanout_run(notice=sent)

    response = sender.get(f"{ADMIN}{sent.pk}/report.csv")

    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0][:3] == ["email", "name", "language"]
    assert [(r[0], r[2], r[5]) for r in rows[1:]] == [
        ("admin@acme.test", "en", "sent"),
        ("responsable@acme.test", "fr", "sent"),
    ]


def test_staff_outside_management_may_look_but_not_write_or_send(
    admin_world, staff_agent, staff_login
):
    client = staff_login(staff_agent)
    draft = notice([admin_world["2026"]])

    assert client.get(ADMIN).status_code == 200
    assert client.get(f"{ADMIN}add/").status_code == 403
    assert client.post(f"{ADMIN}{draft.pk}/publish/", {"step": "send"}).status_code == 403
    draft.refresh_from_db()
    assert draft.status == UpdateNotice.Status.DRAFT


def test_the_changelist_shows_a_progress_bar(sender, admin_world):
    sent = notice([admin_world["2026"]])
    update_notice_fanout_run(notice=sent)

    page = sender.get(ADMIN).content.decode()

    assert "0 sent, 0 failed, 2 pending of 2" in page


def test_site_releases_on_an_unsupported_release_are_flagged(sender, admin_world, globex_site):
    page = sender.get("/admin/contracts/siterelease/?release_support=unsupported")

    rows = list(page.context["cl"].result_list)
    assert [row.site.code for row in rows] == ["GLOBEX-LON"]
    assert "Unsupported release" in page.content.decode()
    assert list(sites_on_unsupported_releases()) == [globex_site]


def test_a_patch_of_another_release_is_refused_on_a_site_release(
    sender, admin_world, acme_site, product
):
    from tests.factories import PatchFactory

    patch_2025 = PatchFactory(release=admin_world["2025"], version="2025.3")

    response = sender.post(
        "/admin/contracts/siterelease/add/",
        {
            "site": acme_site.pk,
            "release": admin_world["2027"].pk,
            "patch": patch_2025.pk,
            "seats": 3,
        },
    )

    assert response.status_code == 200
    assert "belongs to another release" in str(response.context["adminform"].form.errors)


def test_publish_messages_report_a_refusal(sender, admin_world, product):
    from tests.factories import ReleaseFactory

    draft = notice([admin_world["2026"]])
    # A new release ships: 2026 falls out of support before the notice is sent (SLP-2).
    ReleaseFactory(product=product, version="2028", release_date=T0.date())

    response = sender.post(f"{ADMIN}{draft.pk}/publish/", {"step": "send"}, follow=True)

    assert "CONNECT CAM 2026 is no longer supported" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == UpdateNotice.Status.DRAFT


def test_a_change_page_address_that_is_not_a_number_does_not_crash(sender, admin_world):
    response = sender.get(f"{ADMIN}not-a-number/change/")

    assert response.status_code == 302


def test_the_changelist_reads_progress_in_one_query(
    sender, admin_world, django_assert_max_num_queries
):
    for _ in range(3):
        update_notice_fanout_run(notice=notice([admin_world["2026"]]))
    sender.get(ADMIN)

    with django_assert_max_num_queries(13) as queries:
        page = sender.get(ADMIN).content.decode()

    assert page.count("0 sent, 0 failed, 2 pending of 2") == 3
    assert len([q for q in queries if "notices_noticedelivery" in q["sql"]]) == 1


def test_the_site_release_list_loads_patches_without_a_query_per_row(
    sender, admin_world, acme, django_assert_max_num_queries
):
    from tests.factories import PatchFactory, SiteFactory

    def page_queries() -> int:
        sender.get("/admin/contracts/siterelease/")
        with django_assert_max_num_queries(100) as queries:
            assert sender.get("/admin/contracts/siterelease/").status_code == 200
        return len(queries)

    patch = PatchFactory(release=admin_world["2026"], release_date=T0.date())
    runs(SiteFactory(organization=acme), admin_world["2026"], patch=patch)
    before = page_queries()
    for _ in range(3):
        runs(SiteFactory(organization=acme), admin_world["2026"], patch=patch)

    assert page_queries() == before


def test_the_site_page_lists_patch_choices_without_a_query_per_patch(
    sender, admin_world, acme_site, django_assert_max_num_queries
):
    from tests.factories import PatchFactory

    def page_queries() -> int:
        sender.get(f"/admin/contracts/site/{acme_site.pk}/change/")
        with django_assert_max_num_queries(200) as queries:
            page = sender.get(f"/admin/contracts/site/{acme_site.pk}/change/")
        assert page.status_code == 200
        return len(queries)

    PatchFactory(release=admin_world["2026"], release_date=T0.date())
    before = page_queries()
    PatchFactory.create_batch(3, release=admin_world["2027"], release_date=T0.date())

    assert page_queries() == before
