"""Signing support staff in through the real login page and the authenticator step."""

from __future__ import annotations

import time

from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value

from tests.conftest import STAFF_TOTP_SECRET


def staff_totp_code() -> str:
    """Return the code an authenticator app shows, never one about to expire."""
    # allauth accepts the current 30-second window only: wait out its last seconds.
    if time.time() % 30 > 27:
        time.sleep(30 - time.time() % 30 + 0.1)
    return format_hotp_value(hotp_value(STAFF_TOTP_SECRET, int(time.time()) // 30))


def sign_in_staff(page, base_url: str, user, password: str, next_path: str) -> None:
    """Sign the staff member in through the login page and the authenticator step."""
    TOTP.activate(user, STAFF_TOTP_SECRET)
    page.goto(f"{base_url}/accounts/login/?next={next_path}")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", password)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(f"{base_url}/accounts/2fa/authenticate/")
    page.fill("input[name=code]", staff_totp_code())
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(f"{base_url}{next_path}")
