"""The new-case form's promise: when support would answer a case filed now (SLP-5, SLP-6, SLP-8).

Acme Chicago is on the Worldwide calendar (08:00-17:00 Chicago time, Mon-Fri, US federal
holidays). NOW is Monday 2 March 2026, 16:00 UTC: 10:00 in Chicago, 17:00 in Paris.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone, translation

from cases import services
from cases.models import Case
from sla.models import PolicyVersion
from tests.portal.case_pages import NOW, signed_in

pytestmark = pytest.mark.django_db

PANEL = "/cases/new/promise/"


@pytest.fixture(autouse=True)
def _frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture(autouse=True)
def _no_leaked_preferences():
    """Forget the language and zone the middleware activated for the person, after each test.

    The test client runs the request in this thread, so a French page would leave later tests
    (of any module) in French.
    """
    yield
    translation.deactivate()
    timezone.deactivate()


@pytest.fixture
def parisian(acme_agent):
    """Acme's agent, working from Paris: "your time" is Paris time, the site's is Chicago's."""
    acme_agent.time_zone = "Europe/Paris"
    acme_agent.save()
    return acme_agent


def _panel(html: str) -> str:
    """Return the text of the promise panel of a page (or of the htmx answer itself)."""
    start = html.find('<section id="case-promise"')
    body = html[start : html.index("</section>", start)] if start >= 0 else html
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)).strip()


def _dues(html: str) -> list[dt.datetime]:
    return [dt.datetime.fromisoformat(value) for value in re.findall(r'data-due="([^"]+)"', html)]


def test_the_form_shows_the_promise_in_the_persons_time_and_the_sites(
    parisian, acme_site, acme_contract, releases
):
    html = signed_in(parisian).get("/cases/new/?site=ACME-CHI&proposed_priority=P2").content

    text = _panel(html.decode())
    # P2: 480 support minutes, 420 on Monday from 10:00, then Tuesday 08:00 + 60 (CST).
    assert "First response by Tue 3 Mar, 16:00 your time (Tue 3 Mar, 09:00 at the site)." in text
    # 1440 minutes: 420 + 540 + 480, Wednesday 16:00 in Chicago.
    assert (
        "Resolution by Wed 4 Mar, 23:00 your time (Wed 4 Mar, 16:00 at the site), if support "
        "confirms P2 straight away." in text
    )
    assert "P2 targets: 8 h to the first response, 24 h to the resolution" in text
    assert "Support is closed" not in text


def test_the_panel_follows_the_priority_and_the_site_through_htmx(
    parisian, acme_site, acme_contract, releases
):
    page = signed_in(parisian).get("/cases/new/").content.decode()
    client = signed_in(parisian)

    p1 = client.get(PANEL, {"site": "ACME-CHI", "proposed_priority": "P1"}, HTTP_HX_REQUEST="true")
    p4 = client.get(PANEL, {"site": "ACME-CHI", "proposed_priority": "P4"}, HTTP_HX_REQUEST="true")

    # The panel asks again whenever the site or a priority radio changes, sending both.
    assert 'hx-get="/cases/new/promise/"' in page
    assert 'hx-trigger="change from:#id_site, change from:#priority-choices"' in page
    assert 'hx-include="#id_site, #priority-choices input"' in page
    assert '<fieldset id="priority-choices"' in page and 'id="id_site"' in page
    assert "Choose the site and the priority" in _panel(page)
    assert p1.status_code == p4.status_code == 200
    # P1: 150 minutes from 10:00 Chicago is 12:30 there, 19:30 in Paris.
    assert "First response by Mon 2 Mar, 19:30 your time (Mon 2 Mar, 12:30 at the site)." in (
        _panel(p1.content.decode())
    )
    # P4: 2880 minutes, 420 + 540 x 4 = 2580, then 300 on Monday 9 March (CDT): 13:00 there.
    assert "First response by Mon 9 Mar, 19:00 your time (Mon 9 Mar, 13:00 at the site)." in (
        _panel(p4.content.decode())
    )


def test_the_case_filed_right_after_is_due_when_the_panel_said(
    parisian, acme_site, acme_contract, releases, staff_agent, time_machine
):
    # Saturday in Chicago: the panel names the next opening, and the case counts from it.
    time_machine.move_to(dt.datetime(2026, 3, 7, 16, 0, tzinfo=dt.UTC), tick=False)
    client = signed_in(parisian)
    panel = client.get(PANEL, {"site": "ACME-CHI", "proposed_priority": "P2"}).content.decode()

    client.post(
        "/cases/new/",
        {
            "site": "ACME-CHI",
            "release": releases["2026"].pk,
            "topic": "support",
            "proposed_priority": "P2",
            "title": "Toolpath preview freezes",
            "description": "The preview freezes on large parts.",
        },
    )

    case = Case.objects.get()
    triaged = services.case_triage(case=case, by=staff_agent, priority="P2")
    assert _dues(panel) == [case.response_due_at, triaged.resolution_due_at]
    assert (
        "Support is closed today (Weekend): it opens on Mon 9 Mar at 08:00 in Chicago."
        in _panel(panel)
    )


def test_a_form_sent_back_with_errors_keeps_its_promise(
    parisian, acme_site, acme_contract, releases
):
    response = signed_in(parisian).post(
        "/cases/new/",
        {"site": "ACME-CHI", "release": releases["2026"].pk, "proposed_priority": "P1"},
    )

    assert response.status_code == 400
    assert "First response by Mon 2 Mar, 19:30 your time" in _panel(response.content.decode())


def test_the_promise_reads_in_french(parisian, acme_site, acme_contract, releases):
    parisian.language = "fr"
    parisian.save()

    html = signed_in(parisian).get(PANEL, {"site": "ACME-CHI", "proposed_priority": "P2"})

    text = _panel(html.content.decode())
    # Tuesday 3 March with the French day name ("mar" or "mardi"), whatever format French uses.
    assert re.search(r"\bmar(di)?\.? 3\b", text)
    assert "Tue 3" not in text


def test_without_a_policy_in_force_it_promises_nothing(
    parisian, acme_site, acme_contract, releases
):
    PolicyVersion.objects.update(effective_from=dt.datetime(2030, 1, 1, tzinfo=dt.UTC))

    text = _panel(
        signed_in(parisian)
        .get(PANEL, {"site": "ACME-CHI", "proposed_priority": "P2"})
        .content.decode()
    )

    assert "no due time can be shown" in text
    assert "First response by" not in text


def test_a_site_without_cover_is_promised_nothing(parisian, acme_site, releases):
    # No contract covers the site: the intake would refuse the case (SLP-3).
    response = signed_in(parisian).get(PANEL, {"site": "ACME-CHI", "proposed_priority": "P2"})

    text = _panel(response.content.decode())
    assert "Cases for this site are not covered today" in text
    assert "First response by" not in text


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"site": "ACME-CHI"},
        {"site": "ACME-CHI", "proposed_priority": "P9"},
        {"proposed_priority": "P2"},
    ],
)
def test_it_asks_for_the_site_and_the_priority_first(parisian, acme_site, query):
    response = signed_in(parisian).get(PANEL, query)

    assert response.status_code == 200
    assert "Choose the site and the priority" in _panel(response.content.decode())


def test_another_tenants_site_is_404(parisian, acme_site, globex_site):
    response = signed_in(parisian).get(PANEL, {"site": "GLOBEX-LON", "proposed_priority": "P2"})

    assert response.status_code == 404


@pytest.mark.parametrize("person", ["acme_viewer", "stranger"])
def test_a_viewer_or_a_person_without_organisation_gets_403(request, person, acme_site):
    query = {"site": "ACME-CHI", "proposed_priority": "P2"} if person == "acme_viewer" else {}

    response = signed_in(request.getfixturevalue(person)).get(PANEL, query)

    assert response.status_code == 403


def test_the_panel_costs_a_fixed_number_of_queries(
    parisian, acme_site, acme_contract, releases, django_assert_num_queries
):
    client = signed_in(parisian)
    client.get(PANEL, {"site": "ACME-CHI", "proposed_priority": "P2"})  # builds the engine

    # Session, user, membership, brand; the site and its cover (releases, the site's runs,
    # patches, contract, release: the release field's own check); policy, calendar, targets.
    with django_assert_num_queries(13):
        client.get(PANEL, {"site": "ACME-CHI", "proposed_priority": "P3"})
