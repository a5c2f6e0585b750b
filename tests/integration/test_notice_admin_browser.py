"""A manager publishes an urgent update notice from the admin, in a real browser (issue 12).

Debian's Chromium, driven by Playwright, against the live server. The manager signs in with
password and authenticator code, opens the draft, publishes it, reads the audience on the
confirmation page and confirms; then every covered technical contact has exactly one message.
A failing test leaves a screenshot of its page in var/ci/screenshots/.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mail.models import OutboxMessage
from notices.models import NoticeDelivery, UpdateNotice
from tests.integration.staff_sign_in import sign_in_staff
from tests.notices.cast import contact, notice, runs

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "ci" / "screenshots"
# Long enough for a slow CI machine, short enough that a broken page fails fast.
WAIT_MS = 10_000
ADMIN = "/admin/notices/updatenotice/"


@pytest.fixture
def page(browser, request):
    """A fresh browser page; screenshot it when the test fails."""
    from playwright.sync_api import expect

    expect.set_options(timeout=WAIT_MS)
    context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(WAIT_MS)
    failed_before = request.session.testsfailed
    yield context.new_page()
    try:
        if request.session.testsfailed > failed_before:
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            name = re.sub(r"[^\w.-]+", "_", request.node.name)
            context.pages[0].screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)
    finally:
        context.close()


@pytest.fixture
def draft(
    releases,
    acme,
    acme_site,
    acme_contract,
    acme_admin,
    acme_agent,
    end_customer,
    end_customer_site,
    end_customer_contract,
    partner_admin,
    globex_site,
    globex_contract,
    globex_admin,
):
    """An urgent draft about 2026, which Acme and Initech run and Globex does not."""
    from mail.models import ContactPreference

    runs(acme_site, releases["2026"])
    runs(end_customer_site, releases["2026"])
    runs(globex_site, releases["2027"])
    # Opted out of scheduled notices: an urgent one still reaches them (SLP-14).
    ContactPreference.objects.create(
        user=contact(acme, "responsable@acme.test", language="fr"), scheduled_updates_opt_out=True
    )
    contact(end_customer, "it@initech.test")
    return notice([releases["2026"]], title_en="Licence server crash fix")


COVERED = {"admin@acme.test", "responsable@acme.test", "it@initech.test", "admin@northwind.test"}


def test_a_manager_publishes_an_urgent_notice_after_seeing_its_audience(
    page, live_server, password, staff_manager, draft
):
    from playwright.sync_api import expect

    sign_in_staff(page, live_server.url, staff_manager, password, ADMIN)
    page.get_by_role("link", name="Licence server crash fix").click()
    page.wait_for_url(f"{live_server.url}{ADMIN}{draft.pk}/change/")

    page.locator("input[name=_publish]").click()

    page.wait_for_url(f"{live_server.url}{ADMIN}{draft.pk}/publish/")
    audience = page.locator("#audience")
    expect(audience).to_contain_text("4 recipients")
    expect(audience).to_contain_text("2 affected sites")
    assert not OutboxMessage.objects.exists()

    page.locator("#confirm-publish").click()

    page.wait_for_url(f"{live_server.url}{ADMIN}{draft.pk}/progress/")
    expect(page.locator(".messagelist")).to_contain_text("Sending has started.")
    expect(page.locator("#recipients")).to_have_text("4")
    deliveries = NoticeDelivery.objects.filter(notice=draft)
    assert sorted(deliveries.values_list("user__email", flat=True)) == sorted(COVERED)
    messages = OutboxMessage.objects.filter(idempotency_key__startswith=f"notice:{draft.pk}:")
    assert sorted(messages.values_list("to_email", flat=True)) == sorted(COVERED)
    assert OutboxMessage.objects.count() == len(COVERED)
    draft.refresh_from_db()
    assert draft.status == UpdateNotice.Status.SENT


def test_the_preview_frames_render_the_email_under_the_admin_policy(
    page, live_server, password, staff_manager, draft
):
    from playwright.sync_api import expect

    preview = f"{ADMIN}{draft.pk}/preview/"
    sign_in_staff(page, live_server.url, staff_manager, password, preview)

    response = page.goto(f"{live_server.url}{preview}")

    # The srcdoc frames inherit this policy: inline styles allowed, scripts not.
    assert "style-src 'self' 'unsafe-inline'" in response.headers["content-security-policy"]
    english, french = page.frame_locator("iframe").nth(0), page.frame_locator("iframe").nth(1)
    expect(english.locator("html")).to_have_attribute("lang", "en")
    expect(english.locator("h1")).to_have_text("Licence server crash fix")
    expect(french.locator("h1")).to_have_text("Correctif du plantage du post-processeur")
    assert english.locator("h1").evaluate("h1 => getComputedStyle(h1).fontSize") == "20px"
