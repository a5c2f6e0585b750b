"""The portal header for every role, in a real browser, at 1280, 1024 and 375 px (issue 15).

Debian's Chromium, driven by Playwright, against the live server. From 1024 px the header is
one line in English and French with nothing past the right edge; below, its links wait behind
a menu button (mouse and keyboard, and a plain link when JavaScript is off); one click on
"Français" turns the page French. Each role's dashboard is written to var/screenshots/portal/
in both languages and at each width, for a reviewer to look at.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import NamedTuple

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from PIL import Image, ImageDraw

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots" / "portal"
WAIT_MS = 10_000
WIDE, DESKTOP, PHONE = 1280, 1024, 375
# One line is 56 px (3.5rem, the logo and the row's padding); two would be 90 px or more.
ONE_LINE_MAX_PX = 64
DASHBOARD = {"en": "Dashboard", "fr": "Tableau de bord"}
OTHER = {"en": ("fr", "Français"), "fr": ("en", "English")}

# Everything a person reads or clicks in the header, as the browser lays it out.
HEADER_ITEMS = """() => {
  const header = document.querySelector(".site-header");
  const shown = [...header.querySelectorAll(
    ".brand, .main-nav a, .account-menu > summary, .lang-switch button, .menu-toggle"
  )].filter((el) => el.checkVisibility());
  const root = document.documentElement;
  const name = header.querySelector(".brand > span");
  return {
    height: header.getBoundingClientRect().height,
    brandCut: name.scrollWidth > name.clientWidth,
    overflow: root.scrollWidth - root.clientWidth,
    items: shown.map((el) => {
      const box = el.getBoundingClientRect();
      return {text: el.textContent.trim(), top: box.top, bottom: box.bottom, right: box.right};
    }),
  };
}"""

BRAND = """() => {
  const logo = document.querySelector(".site-header .brand-logo");
  return {
    colour: getComputedStyle(document.querySelector(".site-header")).backgroundColor,
    logo: logo ? logo.complete && logo.naturalWidth > 0 : null,
  };
}"""


def _logo() -> ContentFile:
    """A 120 x 40 logo: a green sign and bar on white, like a partner's own."""
    image = Image.new("RGB", (120, 40), (255, 255, 255))
    draw = ImageDraw.Draw(image)
    draw.polygon([(4, 36), (20, 4), (36, 36)], fill=(31, 111, 67))
    draw.rectangle([44, 14, 116, 26], fill=(31, 111, 67))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return ContentFile(buffer.getvalue(), name="northwind.png")


@pytest.fixture
def northwind_brand(partner):
    """The partner's green brand with a logo, which its end customer's people see."""
    from portal.models import Brand

    return Brand.objects.create(
        organization=partner,
        display_name="Northwind Support",
        primary_color="#1f6f43",
        accent_color="#0b5cad",
        logo=_logo(),
    )


class Role(NamedTuple):
    user: str | None  # the fixture of the person signed in, None when signed out
    world: tuple[str, ...]  # the fixtures their dashboard shows
    sees_team: bool
    header: str  # the header's colour: their brand's
    logo: bool = False  # their brand has a logo


DEFAULT_BLUE, NORTHWIND_GREEN = "rgb(11, 92, 173)", "rgb(31, 111, 67)"
ACME = ("acme_site", "acme_contract")
ROLES = {
    "admin": Role("acme_admin", ACME, True, DEFAULT_BLUE),
    "agent": Role("acme_agent", ACME, False, DEFAULT_BLUE),
    "viewer": Role("acme_viewer", ACME, False, DEFAULT_BLUE),
    "end-customer": Role(
        "end_customer_user",
        ("end_customer_site", "end_customer_contract", "northwind_brand"),
        False,
        NORTHWIND_GREEN,
        logo=True,
    ),
    "signed-out": Role(None, (), False, DEFAULT_BLUE),
}


@pytest.fixture(params=list(ROLES))
def role(request) -> tuple[str, Role, object]:
    """Return one portal role's name, its description and its user (None), its world built."""
    described = ROLES[request.param]
    for name in described.world:
        request.getfixturevalue(name)
    user = request.getfixturevalue(described.user) if described.user else None
    return request.param, described, user


def _context(browser, live_server, user, *, javascript: bool = True):
    """A browser context at 1280 px, signed in as `user` through a session cookie."""
    from playwright.sync_api import expect

    expect.set_options(timeout=WAIT_MS)
    context = browser.new_context(
        locale="en-US", viewport={"width": WIDE, "height": 800}, java_script_enabled=javascript
    )
    context.set_default_timeout(WAIT_MS)
    if user is not None:
        client = Client()
        client.force_login(user)
        cookie = client.cookies["sessionid"]
        context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": live_server.url}])
    return context


def _header(page) -> dict:
    return page.evaluate(HEADER_ITEMS)


def assert_one_line(page, where: str) -> dict:
    """Assert the header is one line of items, all inside the window, and the page not wider."""
    found = _header(page)
    assert found["overflow"] <= 0, f"{where}: the page scrolls sideways by {found['overflow']} px"
    assert found["height"] <= ONE_LINE_MAX_PX, f"{where}: header {found['height']} px high"
    middles = [(item["top"] + item["bottom"]) / 2 for item in found["items"]]
    assert max(middles) - min(middles) <= 6, f"{where}: items on several lines {found['items']}"
    width = page.viewport_size["width"]
    assert all(item["right"] <= width for item in found["items"]), f"{where}: {found['items']}"
    # The name may end in an ellipsis for a very long one; these brands are shown whole.
    assert not found["brandCut"], f"{where}: the brand's name is cut short"
    return found


def assert_menu_works(page, where: str, *, signed_in: bool) -> None:
    """At phone width: links hidden behind the button, shown by click and keyboard, usable."""
    from playwright.sync_api import expect

    button = page.get_by_role("button", name="Menu")
    links = page.locator(".main-nav a")
    expect(button).to_be_visible()
    expect(button).to_have_attribute("aria-controls", "site-menu")
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(links.first).to_be_hidden()
    closed = _header(page)
    assert closed["height"] <= ONE_LINE_MAX_PX and closed["overflow"] <= 0, f"{where}: {closed}"

    button.focus()
    page.keyboard.press("Enter")
    expect(button).to_have_attribute("aria-expanded", "true")
    for n in range(links.count()):
        expect(links.nth(n)).to_be_visible()
    assert _header(page)["overflow"] <= 0, f"{where}: the open menu is wider than the phone"
    page.keyboard.press("Tab")
    expect(links.first).to_be_focused()
    page.keyboard.press("Escape")
    expect(links.first).to_be_hidden()
    expect(button).to_be_focused()

    button.click()
    target = page.locator(".main-nav a").last if signed_in else links.first
    href = target.get_attribute("href")
    target.click()
    page.wait_for_url(re.compile(re.escape(href) + r"(\?.*)?$"))


def assert_brand_shown(page, colour: str, *, with_logo: bool) -> None:
    """The header wears the brand's colour (its stylesheet loaded) and its logo, when it has one."""
    shown = page.evaluate(BRAND)
    assert shown["colour"] == colour
    assert shown["logo"] == (with_logo or None), "the logo is missing or did not load"


def assert_account_menu(page, role: str, *, sees_team: bool, language: str) -> None:
    """The account menu opens under its summary, inside the window, and closes on Escape."""
    from playwright.sync_api import expect

    summary = page.locator(".account-menu > summary")
    panel = page.locator(".account-panel")
    expect(panel).to_be_hidden()
    summary.click()
    expect(panel).to_be_visible()
    team = {"en": "Team", "fr": "Équipe"}[language]
    expect(panel.get_by_role("link", name=team)).to_have_count(1 if sees_team else 0)
    box = panel.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= page.viewport_size["width"]
    shoot(page, role, language, f"{WIDE}-account")
    page.keyboard.press("Escape")
    expect(panel).to_be_hidden()
    expect(summary).to_be_focused()


def shoot(page, role: str, language: str, width: int | str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / f"{role}-{language}-{width}.png", full_page=True)


def test_the_header_fits_collapses_and_switches_language_for_every_role(browser, live_server, role):
    from playwright.sync_api import expect

    name, described, user = role
    context = _context(browser, live_server, user)
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/")
        if user is None:
            page.wait_for_url(re.compile(r"/accounts/login/"))
        home = page.url
        assert_brand_shown(page, described.header, with_logo=described.logo)
        for language in ("en", "fr"):
            expect(page.locator("html")).to_have_attribute("lang", language)
            if user is not None:
                nav = page.get_by_role("navigation", name=re.compile(r"Main|Principal"))
                expect(nav.get_by_role("link", name=DASHBOARD[language])).to_be_visible()
            for width in (WIDE, DESKTOP):
                page.set_viewport_size({"width": width, "height": 800})
                assert_one_line(page, f"{name} {language} {width}")
                shoot(page, name, language, width)
            page.set_viewport_size({"width": DESKTOP - 1, "height": 800})
            expect(page.get_by_role("button", name="Menu")).to_be_visible()
            page.set_viewport_size({"width": PHONE, "height": 800})
            page.get_by_role("button", name="Menu").click()
            shoot(page, name, language, PHONE)
            page.get_by_role("button", name="Menu").click()
            assert_menu_works(page, f"{name} {language} {PHONE}", signed_in=user is not None)

            page.set_viewport_size({"width": WIDE, "height": 800})
            page.goto(home)
            if user is not None:
                assert_account_menu(page, name, sees_team=described.sees_team, language=language)
            code, label = OTHER[language]
            page.get_by_role("button", name=label, exact=True).click()
            expect(page.locator("html")).to_have_attribute("lang", code)
            expect(page).to_have_url(home)  # the same page, now in the other language
            expect(page.get_by_role("button", name=OTHER[code][1], exact=True)).to_be_visible()
    finally:
        context.close()


def test_without_javascript_the_menu_link_opens_the_same_links(
    browser, live_server, acme_site, acme_contract, acme_admin
):
    from playwright.sync_api import expect

    context = _context(browser, live_server, acme_admin, javascript=False)
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/")
        assert_one_line(page, "no script 1280")
        page.set_viewport_size({"width": PHONE, "height": 800})
        links = page.locator(".main-nav a")
        expect(page.locator(".menu-button")).to_be_hidden()
        expect(links.first).to_be_hidden()

        page.get_by_role("link", name="Menu").click()

        for n in range(links.count()):
            expect(links.nth(n)).to_be_visible()
        assert _header(page)["overflow"] <= 0
        page.locator(".account-menu > summary").click()
        expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    finally:
        context.close()
