"""The brand page in a real browser (issue 15): the preview follows the form as it is typed,
the contrast figure with it, a chosen logo shows before it is saved, and nothing breaks the
page's Content-Security-Policy. Screenshots go to var/screenshots/portal/brand-*.png.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client
from PIL import Image, ImageDraw

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots" / "portal"
WAIT_MS = 10_000
DEFAULT_BLUE = "rgb(11, 92, 173)"

COLOURS = """() => ({
  page: getComputedStyle(document.querySelector("body > .site-header")).backgroundColor,
  preview: getComputedStyle(document.querySelector(".preview-header")).backgroundColor,
  previewText: getComputedStyle(document.querySelector(".preview-header")).color,
  logo: (() => {
    const img = document.querySelector(".preview-header .brand-logo");
    return img ? img.complete && img.naturalWidth > 0 : null;
  })(),
})"""


PREVIEW_READY = """(colour) => {
  const img = document.querySelector(".preview-header .brand-logo");
  const header = document.querySelector(".preview-header");
  return header && getComputedStyle(header).backgroundColor === colour && (!img || img.complete);
}"""


def _png(path: Path) -> Path:
    image = Image.new("RGB", (120, 40), (255, 255, 255))
    ImageDraw.Draw(image).rectangle([10, 10, 110, 30], fill=(122, 31, 31))
    image.save(path, format="PNG")
    return path


def _signed_in(browser, live_server, user, width: int = 1280):
    from playwright.sync_api import expect

    expect.set_options(timeout=WAIT_MS)
    context = browser.new_context(locale="en-US", viewport={"width": width, "height": 900})
    context.set_default_timeout(WAIT_MS)
    client = Client()
    client.force_login(user)
    cookie = client.cookies["sessionid"].value
    context.add_cookies([{"name": "sessionid", "value": cookie, "url": live_server.url}])
    return context


def _shoot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / f"brand-{name}.png", full_page=True)


def test_the_preview_follows_the_form_and_the_saved_brand_dresses_the_portal(
    browser, live_server, acme_admin, acme_site, tmp_path
):
    from playwright.sync_api import expect

    context = _signed_in(browser, live_server, acme_admin)
    refused: list[str] = []
    try:
        page = context.new_page()
        page.on("console", lambda m: m.type == "error" and refused.append(m.text))
        page.goto(f"{live_server.url}/")
        page.locator(".account-menu > summary").click()
        page.get_by_role("link", name="Brand", exact=True).click()
        expect(page.get_by_role("heading", name="Your brand")).to_be_visible()
        # The preview's stylesheet sits in the body: Chromium parses on once it has loaded.
        page.wait_for_load_state("load")
        page.wait_for_function(PREVIEW_READY, arg=DEFAULT_BLUE)
        _shoot(page, "1280-start")

        page.get_by_label("Primary colour").fill("#777777")
        expect(page.locator(".contrast-fail")).to_contain_text("4.4:1 — too low")
        page.get_by_label("Primary colour").fill("#ffcc00")
        expect(page.locator(".contrast-checks li").first).to_contain_text(
            "Near-black text: 12.4:1 — passes AA"
        )
        page.get_by_label("Display name").fill("Acme Help")
        expect(page.locator(".preview-header .brand")).to_have_text("Acme Help")
        page.get_by_label("New logo").set_input_files(_png(tmp_path / "acme.png"))
        expect(page.locator(".preview-header .brand-logo")).to_have_count(1)
        # The new stylesheet loads after the swap; the previous one holds the colours meanwhile.
        page.wait_for_function(PREVIEW_READY, arg="rgb(255, 204, 0)")
        shown = page.evaluate(COLOURS)
        # The preview wears the new colours; the page around it keeps the saved brand.
        assert shown["previewText"] == "rgb(17, 17, 17)"
        assert shown["page"] == DEFAULT_BLUE and shown["logo"] is True
        # Older preview stylesheets are dropped once the newest has loaded.
        expect(page.locator("#brand-preview-styles link")).to_have_count(1)
        _shoot(page, "1280-preview")

        page.get_by_role("button", name="Save the brand").click()
        expect(page.get_by_text("Brand saved")).to_be_visible()
        header = page.locator("body > .site-header")
        expect(header.locator(".brand > span")).to_have_text("Acme Help")
        page.wait_for_load_state("load")
        saved = page.evaluate(COLOURS)
        assert saved["page"] == "rgb(255, 204, 0)", saved
        logo_width = "document.querySelector('body > .site-header .brand-logo').naturalWidth"
        assert page.evaluate(logo_width) == 120
        page.set_viewport_size({"width": 375, "height": 900})
        _shoot(page, "375-saved")
        assert not refused, refused
    finally:
        context.close()
