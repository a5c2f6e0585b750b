"""Every POST of the case pages is refused without a CSRF token (issue 6, acceptance)."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cases.models import Case
from tests.portal.case_pages import NOW, case_for, resolved, signed_in, waiting

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture(autouse=True)
def _frozen(time_machine, settings, tmp_path):
    time_machine.move_to(NOW, tick=False)
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def case(acme, acme_site, acme_contract, acme_agent, releases):
    return case_for(
        reporter=acme_agent, organization=acme, site=acme_site, release=releases["2026"]
    )


def _post_data(action: str, case, staff, releases) -> tuple[str, dict]:
    """Return the address and valid data of a POST, the case brought to where it applies."""
    if action == "information":
        waiting(case, staff)
    if action in ("reopen", "close"):
        resolved(case, staff)
    data = {
        "new": {
            "site": case.site.code,
            "release": releases["2026"].pk,
            "topic": "support",
            "proposed_priority": "P3",
            "title": "Another case",
            "description": "Details.",
        },
        "reply": {"body": "More detail."},
        "attachments": {"files": SimpleUploadedFile("a.log", b"line\n", "text/plain")},
        "information": {"body": "The log."},
        "escalate": {"reason": "No progress."},
        "reopen": {"reason": "Not fixed."},
        "close": {},
    }[action]
    url = "/cases/new/" if action == "new" else f"/cases/{case.number}/{action}/"
    return url, data


ACTIONS = ["new", "reply", "attachments", "information", "escalate", "reopen", "close"]


def _state(case) -> tuple:
    case.refresh_from_db()
    return (Case.objects.count(), case.events.count(), case.status)


@pytest.mark.parametrize("action", ACTIONS)
def test_a_post_without_a_token_is_refused_and_changes_nothing(
    action, case, acme_agent, staff_agent, releases
):
    url, data = _post_data(action, case, staff_agent, releases)
    before = _state(case)

    response = signed_in(acme_agent, enforce_csrf=True).post(url, data)

    assert response.status_code == 403
    assert _state(case) == before


@pytest.mark.parametrize("action", ACTIONS)
def test_the_same_post_with_the_pages_token_goes_through(
    action, case, acme_agent, staff_agent, releases
):
    url, data = _post_data(action, case, staff_agent, releases)
    client = signed_in(acme_agent, enforce_csrf=True)
    page = client.get("/cases/new/" if action == "new" else f"/cases/{case.number}/")
    token = TOKEN.search(page.content.decode()).group(1)

    response = client.post(url, {**data, "csrfmiddlewaretoken": token})

    assert response.status_code == 302
