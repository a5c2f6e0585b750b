"""The 500 page renders with no database, no user and no context, in the reader's language (issue 15).

No test here may use the database: pytest-django then refuses every query, which is how a
database that is down looks to the page. This module is also the URLconf of its requests: the
portal's own patterns and error handlers, plus two views that fail.
"""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory
from django.urls import path
from django.utils import translation
from django.views import defaults

import portal.urls
from contracts.models import User


def _crash(request):
    raise RuntimeError("a bug in a view")


def _database_down(request):
    # Without the db fixture every query raises, as it would with PostgreSQL unreachable.
    return User.objects.count()


urlpatterns = [
    path("crash/", _crash),
    path("database-down/", _database_down),
    *portal.urls.urlpatterns,
]
handler500 = portal.urls.handler500

pytestmark = pytest.mark.urls(__name__)


def test_the_page_needs_neither_request_context_nor_database():
    response = defaults.server_error(RequestFactory().get("/cases/"))

    page = response.content.decode()
    assert response.status_code == 500
    assert '<html lang="en">' in page
    assert "Something went wrong on our side" in page
    assert '<link rel="stylesheet" href="/static/css/portal.css">' in page
    assert '<a href="/">Back to the dashboard</a>' in page


def test_the_page_is_in_the_language_the_locale_middleware_chose():
    with translation.override("fr"):
        page = defaults.server_error(RequestFactory().get("/")).content.decode()

    assert '<html lang="fr">' in page
    assert '<a href="/">Retour au tableau de bord</a>' in page


@pytest.mark.parametrize("url", ["/crash/", "/database-down/"])
def test_a_failing_page_answers_the_styled_500_under_the_portal_policy(url):
    client = Client(raise_request_exception=False, headers={"accept-language": "fr"})

    response = client.get(url)

    assert response.status_code == 500
    page = response.content.decode()
    assert '<html lang="fr">' in page and 'class="site-header"' in page
    assert "Retour au tableau de bord" in page
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "<script" not in page and "style=" not in page
