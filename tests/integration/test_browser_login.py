"""A real browser logs in through the real login page (issue 2, CI)."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="en-US")
    yield context.new_page()
    context.close()


def test_a_user_signs_in_through_the_login_page(live_server, page, customer, password):
    page.goto(f"{live_server.url}/accounts/login/")

    page.fill("input[name=login]", customer.email)
    page.fill("input[name=password]", password)
    page.click("form[action='/accounts/login/'] button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")

    assert f"You are signed in as {customer.email}" in page.inner_text("main")


def test_a_wrong_password_keeps_the_browser_on_the_login_page(live_server, page, customer):
    page.goto(f"{live_server.url}/accounts/login/")

    page.fill("input[name=login]", customer.email)
    page.fill("input[name=password]", "not-the-password")
    page.click("form[action='/accounts/login/'] button[type=submit]")
    page.wait_for_load_state()

    assert page.url.startswith(f"{live_server.url}/accounts/login/")
    assert "You are signed in" not in page.content()


def test_a_french_browser_gets_the_french_login_page(live_server, browser):
    context = browser.new_context(locale="fr-FR")
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/accounts/login/")

        assert page.get_attribute("html", "lang") == "fr"
        assert "Connexion" in page.inner_text("main")
        assert page.locator("label", has_text="Mot de passe").count() >= 1
    finally:
        context.close()
