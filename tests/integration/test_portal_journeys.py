"""Journeys through the portal in a real browser (issue 6, item 5).

Debian's Chromium, driven by Playwright, against the live server (PostgreSQL in CI). Every
person signs in through the real login page, staff through the MFA step too; the test then
clicks and types as they would. A failing test leaves a screenshot of each of its pages in
var/ci/screenshots/.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.utils import timezone

from cases import services
from cases.models import Case, EscalationLevel
from cases.services.sweep import sla_sweep
from contracts.models import SiteRelease
from tests.conftest import STAFF_TOTP_SECRET
from tests.factories import MembershipFactory, ReleaseFactory, UserFactory

pytestmark = [
    pytest.mark.browser,
    # The live server needs committed rows; the serialized rollback brings the migrations'
    # rows (staff groups, calendars, the policy) back after each test's flush.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "ci" / "screenshots"
# Long enough for a slow CI machine, short enough that a broken page fails fast.
WAIT_MS = 10_000
CASE_URL = re.compile(r"/cases/(C-\d+)/(#timeline)?$")


class Browsing:
    """Browser contexts of one test, one per person, each signed in through the login page."""

    def __init__(self, browser, base_url: str, password: str) -> None:
        self.browser = browser
        self.base_url = base_url
        self.password = password
        self.contexts = []

    def url(self, path: str) -> str:
        return f"{self.base_url}{path}"

    def page(self, *, locale: str = "en-US"):
        context = self.browser.new_context(locale=locale, viewport={"width": 1280, "height": 900})
        context.set_default_timeout(WAIT_MS)
        self.contexts.append(context)
        return context.new_page()

    def sign_in(self, user, *, next_path: str = "/", locale: str = "en-US"):
        """Return a page where the user signed in with email and password, at `next_path`."""
        page = self.page(locale=locale)
        page.goto(self.url(f"/accounts/login/?next={next_path}"))
        page.fill("input[name=login]", user.email)
        page.fill("input[name=password]", self.password)
        page.locator("main form button[type=submit]").first.click()
        if user.is_staff:
            page.wait_for_url(self.url("/accounts/2fa/authenticate/"))
            page.fill("input[name=code]", _totp_code(STAFF_TOTP_SECRET))
            page.get_by_role("button", name="Sign In").click()
        page.wait_for_url(self.url(next_path))
        return page

    def screenshot_all(self, name: str) -> None:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        for n, context in enumerate(self.contexts):
            for m, page in enumerate(context.pages):
                page.screenshot(path=SCREENSHOTS / f"{name}-{n}{m}.png", full_page=True)

    def close(self) -> None:
        for context in self.contexts:
            context.close()


def _totp_code(secret: str) -> str:
    """Return the code an authenticator app shows, never one about to expire."""
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    # allauth accepts the current 30-second window only: a code typed in its last
    # seconds could be refused by the time the form arrives.
    if time.time() % 30 > 27:
        time.sleep(30 - time.time() % 30 + 0.1)
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


@pytest.fixture
def browsing(chromium, live_server, password, request) -> Iterator[Browsing]:
    """Sign people in on the live server; screenshot their pages when the test fails."""
    from playwright.sync_api import expect

    expect.set_options(timeout=WAIT_MS)
    session = Browsing(chromium, live_server.url, password)
    failed_before = request.session.testsfailed
    yield session
    try:
        # The test's failure is already counted when its fixtures are torn down.
        if request.session.testsfailed > failed_before:
            session.screenshot_all(re.sub(r"[^\w.-]+", "_", request.node.name))
    finally:
        session.close()


def _file_case(page, *, site_code: str, release_label: str, title: str) -> None:
    """Fill the new-case form as a person does: site, its releases (htmx), priority, text."""
    from playwright.sync_api import expect

    page.select_option("#id_site", site_code)
    release = page.locator("#id_release")
    # htmx swaps the release field in: wait for the site's releases, not for a while.
    expect(release).to_be_enabled()
    release.select_option(label=release_label)
    page.check("input[name=proposed_priority][value=P2]")
    page.fill("#id_title", title)
    page.fill("#id_description", "Posting any toolpath for the Haas VF-2 stops after 200 lines.")
    page.fill("#id_environment", "Windows 11, 32 GB")
    page.fill("#id_steps", "Open part 42, post it for the Haas VF-2.")
    page.fill("#id_business_impact", "Two programmers are blocked.")


def _staff_reply_in_the_admin(browsing: Browsing, staff_user, case: Case, body: str) -> None:
    """Sign in to the admin with password and authenticator code, open the case, reply."""
    from allauth.mfa.totp.internal.auth import TOTP
    from playwright.sync_api import expect

    TOTP.activate(staff_user, STAFF_TOTP_SECRET)
    staff = browsing.sign_in(staff_user, next_path="/admin/cases/case/")
    staff.get_by_role("link", name=case.number, exact=True).click()
    staff.wait_for_url(re.compile(rf"/admin/cases/case/{case.pk}/change/$"))
    staff.locator('.case-bar-button[data-action="reply"]').click()
    reply = staff.locator("#action-reply form[method=post]")
    reply.locator("textarea[name=reply-body]").fill(body)
    reply.locator("input[name=reply-visibility][value=public]").check()
    reply.locator("input[type=submit]").click()
    expect(staff.locator(".messagelist")).to_contain_text(
        f"{case.number}: Reply sent to the customer."
    )


def test_a_partner_files_staff_reply_and_the_end_customer_sees_the_response_met(
    browsing,
    partner,
    partner_agent,
    end_customer,
    end_customer_site,
    end_customer_contract,
    end_customer_user,
    releases,
    staff_agent,
):
    from playwright.sync_api import expect

    # The partner files for its end customer's site (SLP-1).
    filer = browsing.sign_in(partner_agent, next_path="/cases/new/")
    _file_case(
        filer,
        site_code="INITECH-DEN",
        release_label="CONNECT CAM 2027 (Current)",
        title="Post-processor output stops at line 200",
    )
    filer.get_by_role("button", name="File the case").click()
    filer.wait_for_url(CASE_URL)
    number = CASE_URL.search(filer.url).group(1)
    expect(filer.locator("h1 .case-number")).to_have_text(number)
    expect(filer.locator(".messages")).to_contain_text(f"Case {number} is received.")
    case = Case.objects.get(number=number)
    assert (case.organization, case.end_customer, case.site) == (
        partner,
        end_customer,
        end_customer_site,
    )

    # The end customer follows the case: no reply yet.
    customer = browsing.sign_in(end_customer_user, next_path=f"/cases/{number}/")
    response_badge = customer.locator("#clock-response-heading .badge")
    expect(response_badge).not_to_have_text("Met")
    expect(customer.locator("#timeline")).not_to_contain_text("Reply from support")

    _staff_reply_in_the_admin(
        browsing, staff_agent, case, "Please apply patch 2027.1: it fixes this."
    )

    # The customer reloads: the reply is there and the response clock is met (SLP-9).
    customer.reload()
    timeline = customer.locator("#timeline")
    expect(timeline).to_contain_text("Reply from support")
    expect(timeline).to_contain_text("Please apply patch 2027.1: it fixes this.")
    expect(response_badge).to_have_text("Met")


def test_a_site_without_an_active_contract_is_refused_with_the_next_step(
    browsing, acme_agent, acme_site, releases
):
    from playwright.sync_api import expect

    page = browsing.sign_in(acme_agent, next_path="/cases/new/")
    _file_case(
        page,
        site_code="ACME-CHI",
        release_label="CONNECT CAM 2027 (Current)",
        title="Licence server refuses the seat",
    )
    # Warned as soon as the site is chosen, before anything is typed in vain (SLP-3).
    preview = page.locator("#release-field .refusal-preview")
    expect(preview).to_contain_text("Cases for site ACME-CHI are not covered today")
    expect(preview).to_contain_text("Site ACME-CHI has no active CONNECT contract")

    page.get_by_role("button", name="File the case").click()

    refusal = page.locator("#refusal")
    expect(refusal).to_be_visible()
    expect(refusal).to_contain_text("This request is not covered by CONNECT support")
    expect(refusal).to_contain_text("Site ACME-CHI has no active CONNECT contract")
    expect(refusal).to_contain_text(
        "What to do: Renew the site's CONNECT contract (through your partner if you have one), "
        "then file again."
    )
    expect(page.locator("#id_title")).to_have_value("Licence server refuses the seat")
    assert not Case.objects.exists()


def test_a_release_unsupported_since_the_form_opened_is_refused_with_its_explanation(
    browsing,
    partner_agent,
    end_customer_site,
    end_customer_contract,
    releases,
    product,
):
    from playwright.sync_api import expect

    SiteRelease.objects.create(site=end_customer_site, release=releases["2025"])
    page = browsing.sign_in(partner_agent, next_path="/cases/new/")
    _file_case(
        page,
        site_code="INITECH-DEN",
        release_label="CONNECT CAM 2026 (Previous)",
        title="Simulation crashes on the 5-axis part",
    )
    # The release the site still runs is named, with the way out (SLP-2).
    expect(page.locator("#release-field")).to_contain_text(
        "Site INITECH-DEN also runs CONNECT CAM 2025, which is no longer supported (SLP-2)"
    )
    # While the form is open, 2028 comes out: 2026 is no longer the previous release.
    ReleaseFactory(
        product=product, version="2028", release_date=timezone.localdate() - dt.timedelta(days=2)
    )

    page.get_by_role("button", name="File the case").click()

    refusal = page.locator("#refusal")
    expect(refusal).to_contain_text("This request is not covered by CONNECT support")
    expect(refusal).to_contain_text(
        "CONNECT CAM 2026 is no longer supported: only the current release (2028) and the "
        "previous one (2027) are covered (SLP-2)."
    )
    expect(refusal).to_contain_text("What to do: Upgrade to CONNECT CAM 2028, then file again.")
    assert not Case.objects.exists()


@pytest.fixture
def breached_case(acme, acme_agent, acme_site, acme_contract, releases, staff_supervisor):
    """A P1 case received ten days ago, its response clock breached by the sweep (SLP-9)."""
    case = services.case_open(
        reporter=acme_agent,
        organization=acme,
        site=acme_site,
        release=releases["2027"],
        title="Every machine stops posting",
        description="No post-processor produces output since this morning.",
        proposed_priority="P1",
        channel="portal",
        received_at=timezone.now() - dt.timedelta(days=10),
    )
    sla_sweep()
    case.refresh_from_db()
    services.case_clocks_recompute(case)
    assert case.response_state == "breached"
    return case


def test_a_customer_escalates_a_breached_case_from_the_breach_notice(
    browsing, acme_agent, breached_case
):
    from playwright.sync_api import expect

    number = breached_case.number
    page = browsing.sign_in(acme_agent, next_path=f"/cases/{number}/")
    breach = page.locator("section.breach")
    expect(breach).to_contain_text("A target of this case is breached")
    expect(page.locator("#clock-response-heading .badge")).to_have_text("Breached")
    # Prominent: at the top of the page, above the request and its timeline (SLP-12).
    breach_top = breach.bounding_box()["y"]
    assert breach_top < page.locator("#request-heading").bounding_box()["y"]
    assert page.locator("section#escalate").count() == 0

    breach.get_by_label("Why do you escalate?").fill("Production has been stopped for ten days.")
    breach.get_by_role("button", name="Escalate the case").click()

    page.wait_for_url(CASE_URL)
    expect(page.locator(".messages")).to_contain_text("The case is escalated.")
    escalation = page.locator("#timeline li.event-escalation")
    expect(escalation).to_contain_text("Escalated to: Supervisor (SLP-12)")
    expect(escalation).to_contain_text("Production has been stopped for ten days.")
    expect(page.locator(".case-facts")).to_contain_text("Supervisor")
    breached_case.refresh_from_db()
    assert breached_case.escalation_level == EscalationLevel.SUPERVISOR


def test_a_french_speaking_user_works_in_french_from_the_dashboard_to_a_new_case(
    browsing, acme, acme_site, acme_contract, releases
):
    from playwright.sync_api import expect

    # An English browser: the saved preference decides the language once signed in.
    claire = UserFactory(email="claire@acme.test", full_name="Claire Martin", language="fr")
    MembershipFactory(user=claire, organization=acme, role="agent")
    case = services.case_open(
        reporter=claire,
        organization=acme,
        site=acme_site,
        release=releases["2027"],
        title="Le post-processeur s'arrête à la ligne 200",
        description="Le post-processeur Haas s'arrête après 200 lignes.",
        proposed_priority="P3",
        channel="portal",
    )
    page = browsing.sign_in(claire, next_path="/")

    assert page.get_attribute("html", "lang") == "fr"
    expect(page.locator("h1")).to_have_text("Bienvenue, Claire")
    expect(page.locator("#open-heading")).to_contain_text("Dossiers ouverts")
    expect(page.locator("#updates-heading")).to_have_text("Mises à jour récentes")

    page.get_by_role("navigation", name="Principal").get_by_role("link", name="Dossiers").click()
    page.wait_for_url(browsing.url("/cases/"))
    expect(page.locator("h1")).to_have_text("Dossiers")
    expect(page.get_by_label("Rechercher", exact=True)).to_be_visible()
    expect(page.locator("#case-results")).to_contain_text("1 dossier")

    page.get_by_role("link", name=case.number).click()
    page.wait_for_url(browsing.url(f"/cases/{case.number}/"))
    expect(page.locator("#timeline-heading")).to_have_text("Historique")
    expect(page.locator("#clocks-heading")).to_have_text("Compteurs SLA")
    expect(page.locator("#request-heading")).to_have_text("La demande")
    expect(page.locator("#reply-heading")).to_have_text("Répondre")
    expect(page.locator(".crumbs")).to_have_text("Tous les dossiers")

    page.get_by_role("link", name="Tous les dossiers").click()
    page.get_by_role("link", name="Ouvrir un nouveau dossier").click()
    page.wait_for_url(browsing.url("/cases/new/"))
    _file_a_case_in_french(page)


def _file_a_case_in_french(page) -> None:
    """File a case on the French form, its htmx release field included."""
    from playwright.sync_api import expect

    expect(page.locator("h1")).to_have_text("Ouvrir un nouveau dossier")
    expect(page.locator("legend").first).to_have_text("1. Le site")
    page.select_option("#id_site", "ACME-CHI")
    # The release field htmx swaps in is French too.
    expect(page.locator("#id_release")).to_be_enabled()
    expect(page.locator("#id_release_helptext")).to_have_text(
        "Seules la version actuelle et la version précédente sont prises en charge (SLP-2)."
    )
    page.locator("#id_release").select_option(label="CONNECT CAM 2027 (Actuelle)")
    page.check("input[name=proposed_priority][value=P3]")
    page.fill("#id_title", "La simulation se fige")
    page.fill("#id_description", "La simulation se fige sur les grandes pièces.")
    page.get_by_role("button", name="Soumettre le dossier").click()

    page.wait_for_url(CASE_URL)
    number = CASE_URL.search(page.url).group(1)
    expect(page.locator(".messages")).to_contain_text(
        f"Le dossier {number} a bien été reçu. Nous vous avons envoyé une confirmation par e-mail."
    )
