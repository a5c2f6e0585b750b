"""A strict Content-Security-Policy on portal pages, and pages that need nothing looser (issue 6)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.http import HttpResponse
from django.test import Client

from portal.middleware import ADMIN_CSP, PORTAL_CSP, ContentSecurityPolicyMiddleware

pytestmark = pytest.mark.django_db

PORTAL_PAGES = [
    "/",
    "/sites/",
    "/sites/ACME-CHI/",
    "/contracts/",
    "/releases/",
    "/team/",
    "/profile/",
    "/contact/",
    "/updates/",
]
PUBLIC_PAGES = ["/accounts/login/", "/accounts/password/reset/"]

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
INLINE_STYLE = re.compile(r"<style\b|\sstyle\s*=", re.I)
EVENT_HANDLER = re.compile(r"\son[a-z]+\s*=", re.I)
JAVASCRIPT_URL = re.compile(r"(href|src|action)\s*=\s*[\"']?\s*javascript:", re.I)


@pytest.fixture
def world(acme_site, acme_contract, acme_admin, releases, time_machine):
    time_machine.move_to(dt.datetime(2026, 3, 2, 16, tzinfo=dt.UTC), tick=False)
    return acme_admin


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_policy_is_strict():
    for directive in (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'self'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ):
        assert directive in PORTAL_CSP
    assert "unsafe" not in PORTAL_CSP


@pytest.mark.parametrize("url", PORTAL_PAGES)
def test_portal_pages_send_the_policy_and_carry_no_inline_script_or_style(world, url):
    response = _signed_in(world).get(url)

    html = response.content.decode()
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == PORTAL_CSP
    assert not INLINE_SCRIPT.search(html), INLINE_SCRIPT.search(html)
    assert not INLINE_STYLE.search(html), INLINE_STYLE.search(html)
    assert not EVENT_HANDLER.search(html), EVENT_HANDLER.search(html)
    assert not JAVASCRIPT_URL.search(html)


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_public_pages_send_the_policy_and_carry_no_inline_script_or_style(client, db, url):
    response = client.get(url)

    html = response.content.decode()
    assert response["Content-Security-Policy"] == PORTAL_CSP
    assert not INLINE_SCRIPT.search(html) and not INLINE_STYLE.search(html)


def test_a_form_page_with_errors_stays_inline_free(world):
    response = _signed_in(world).post("/team/invite/", {"email": "nope", "role": "agent"})

    html = response.content.decode()
    assert response.status_code == 400
    assert not INLINE_SCRIPT.search(html) and not INLINE_STYLE.search(html)


def test_htmx_is_loaded_as_a_file_from_our_own_origin(world):
    html = _signed_in(world).get("/sites/").content.decode()

    assert '<script src="/static/js/htmx.min.js" defer></script>' in html
    assert '"allowEval": false' in html


def test_error_pages_send_the_policy_too(world):
    response = _signed_in(world).get("/sites/NO-SUCH-SITE/")

    assert response.status_code == 404
    assert response["Content-Security-Policy"] == PORTAL_CSP


def test_the_admin_allows_its_own_style_attributes_but_no_inline_script(
    staff_superuser, staff_login
):
    response = staff_login(staff_superuser).get("/admin/")

    assert response.status_code == 200
    assert response["Content-Security-Policy"] == ADMIN_CSP
    assert "script-src 'self';" in ADMIN_CSP


def test_a_view_that_sets_its_own_policy_keeps_it(rf):
    def download(request):
        response = HttpResponse(b"file")
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
        return response

    response = ContentSecurityPolicyMiddleware(download)(rf.get("/cases/attachments/1/"))

    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"


def test_the_api_documentation_is_left_to_its_own_policy(rf):
    response = ContentSecurityPolicyMiddleware(lambda request: HttpResponse())(rf.get("/api/docs/"))

    assert "Content-Security-Policy" not in response
