"""English and French: browser language, the switch, the user's saved preference (issue 2)."""

from __future__ import annotations

import re

from django.conf import settings
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils import timezone, translation

from portal.middleware import UserPreferencesMiddleware

LOGIN = "/accounts/login/"
CHANGE_PASSWORD = "/accounts/password/change/"


def _switch(client, language: str, next_url: str = LOGIN):
    return client.post("/i18n/setlang/", {"language": language, "next": next_url})


def _switch_form(html: str) -> str:
    match = re.search(r'<form class="lang-switch".*?</form>', html, re.S)
    assert match, "no language switch on the page"
    return match[0]


def test_every_page_offers_the_other_language_in_one_click(client, db):
    form = _switch_form(client.get(LOGIN).content.decode())

    assert 'action="/i18n/setlang/"' in form and 'method="post"' in form
    assert 'name="csrfmiddlewaretoken"' in form
    assert f'name="next" value="{LOGIN}"' in form
    assert '<button type="submit" name="language" value="fr" lang="fr">Français</button>' in form
    assert 'value="en"' not in form
    assert "<select" not in form and "Change" not in form


def test_a_french_page_offers_english(client, db):
    _switch(client, "fr")

    form = _switch_form(client.get(LOGIN).content.decode())

    assert '<button type="submit" name="language" value="en" lang="en">English</button>' in form
    assert 'value="fr"' not in form


def test_the_switch_sets_the_language_for_later_pages(client, db):
    response = _switch(client, "fr")

    assert response.status_code == 302
    assert response["Location"] == LOGIN
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fr"
    page = client.get(LOGIN)
    assert page["Content-Language"] == "fr"
    assert "Connexion" in page.content.decode()


def test_the_switch_wins_over_the_browser_language(client, db):
    _switch(client, "en")

    page = client.get(LOGIN, headers={"accept-language": "fr"})

    assert page["Content-Language"] == "en"
    assert "Connexion" not in page.content.decode()


def test_the_switch_ignores_a_language_we_do_not_offer(client, db):
    _switch(client, "de")

    page = client.get(LOGIN)

    assert page["Content-Language"] == "en"
    assert '<html lang="en">' in page.content.decode()


def test_a_signed_in_user_sees_pages_in_the_saved_language(client, customer):
    customer.language = "fr"
    customer.save(update_fields=["language"])
    client.force_login(customer)

    page = client.get(CHANGE_PASSWORD, headers={"accept-language": "en"})

    assert page.status_code == 200
    assert page["Content-Language"] == "fr"
    assert "Modifier le mot de passe" in page.content.decode()


def test_the_switch_wins_over_the_saved_language(client, customer):
    customer.language = "fr"
    customer.save(update_fields=["language"])
    client.force_login(customer)
    _switch(client, "en", next_url=CHANGE_PASSWORD)

    page = client.get(CHANGE_PASSWORD)

    assert page["Content-Language"] == "en"
    assert "Change Password" in page.content.decode()


def _seen_by_view(user) -> tuple[str, str]:
    """Run the middleware for `user`; return the language and time zone the view sees."""
    seen: dict[str, str] = {}

    def view(request):
        seen["language"] = translation.get_language()
        seen["zone"] = timezone.get_current_timezone_name()
        return HttpResponse()

    request = RequestFactory().get("/")
    request.user = user
    with translation.override("en"):
        UserPreferencesMiddleware(view)(request)
    timezone.deactivate()
    return seen["language"], seen["zone"]


def test_the_view_runs_in_the_users_language_and_time_zone(customer):
    customer.language = "fr"
    customer.time_zone = "America/Chicago"

    assert _seen_by_view(customer) == ("fr", "America/Chicago")


def test_an_unknown_stored_time_zone_falls_back_to_utc(customer):
    customer.time_zone = "Mars/Olympus_Mons"

    assert _seen_by_view(customer) == ("en", "UTC")


def test_anonymous_visitors_get_utc(db):
    from django.contrib.auth.models import AnonymousUser

    timezone.activate("Asia/Tokyo")

    assert _seen_by_view(AnonymousUser())[1] == "UTC"
