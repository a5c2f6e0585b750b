"""The one-question rating on the portal's case page (issue 15): asked once a case is resolved,
by an admin or agent of the case, once per resolution, with a thank-you state after.
"""

from __future__ import annotations

import datetime as dt

import pytest

from cases import services
from cases.models import CaseRating, Status
from tests.portal.case_pages import NOW, case_for, resolved, signed_in

pytestmark = pytest.mark.django_db

QUESTION = '<h2 id="rating-heading">How did we do?</h2>'
THANKS = '<h2 id="rating-heading">Thank you for your rating</h2>'


@pytest.fixture(autouse=True)
def _frozen(time_machine, settings, tmp_path):
    time_machine.move_to(NOW, tick=False)
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def case(acme, acme_site, acme_contract, acme_agent, releases):
    return case_for(
        reporter=acme_agent, organization=acme, site=acme_site, release=releases["2026"]
    )


def _url(case, action: str = "") -> str:
    return f"/cases/{case.number}/{action + '/' if action else ''}"


def _page(user, case) -> str:
    response = signed_in(user).get(_url(case))
    assert response.status_code == 200
    return response.content.decode()


def test_a_resolved_case_asks_how_we_did(case, acme_agent, staff_agent):
    resolved(case, staff_agent)

    html = _page(acme_agent, case)

    assert QUESTION in html
    assert f'action="/cases/{case.number}/rating/"' in html
    assert 'name="score" value="good"' in html
    assert 'name="score" value="bad"' in html
    assert "Good, I am satisfied" in html
    assert 'name="comment"' in html


def test_an_open_case_does_not_ask(case, acme_agent, staff_agent):
    services.case_triage(case=case, by=staff_agent, priority="P2", category="problem")

    html = _page(acme_agent, case)

    assert 'id="rating"' not in html
    response = signed_in(acme_agent).post(_url(case, "rating"), {"score": "good"})
    assert response.status_code == 400
    assert "A case can be rated once it is resolved." in response.content.decode()
    assert not CaseRating.objects.exists()


def test_a_closed_case_asks_too(case, acme_agent, staff_agent):
    services.case_close(case=resolved(case, staff_agent), by=acme_agent)

    assert QUESTION in _page(acme_agent, case)


def test_the_answer_is_recorded_and_the_page_thanks_instead_of_asking(
    case, acme_agent, acme_admin, staff_agent
):
    resolved(case, staff_agent)

    response = signed_in(acme_agent).post(
        _url(case, "rating"), {"score": "bad", "comment": "Three replies to get the patch."}
    )

    assert response.status_code == 302
    assert response["Location"] == f"/cases/{case.number}/#timeline"
    rating = CaseRating.objects.get()
    assert (rating.score, rating.comment, rating.rated_by) == (
        "bad",
        "Three replies to get the patch.",
        acme_agent,
    )
    # Anyone of the organisation now reads the answer; nobody is asked again.
    html = _page(acme_admin, case)
    assert THANKS in html
    assert QUESTION not in html
    assert "Your answer: Bad, I am not satisfied." in html
    assert "Three replies to get the patch." in html


def test_a_second_answer_to_the_same_resolution_is_refused(
    case, acme_agent, acme_admin, staff_agent
):
    resolved(case, staff_agent)
    signed_in(acme_agent).post(_url(case, "rating"), {"score": "good"})

    response = signed_in(acme_admin).post(_url(case, "rating"), {"score": "bad"})

    assert response.status_code == 400
    assert "This resolution is already rated. Thank you." in response.content.decode()
    assert list(CaseRating.objects.values_list("score", flat=True)) == ["good"]


def test_a_missing_answer_is_shown_next_to_the_question(case, acme_agent, staff_agent):
    resolved(case, staff_agent)

    response = signed_in(acme_agent).post(_url(case, "rating"), {"comment": "Hm."})

    html = response.content.decode()
    assert response.status_code == 400
    assert QUESTION in html
    assert "Choose good or bad." in html
    assert not CaseRating.objects.exists()


def test_a_viewer_is_not_asked_and_is_refused(case, acme_viewer, staff_agent):
    resolved(case, staff_agent)

    html = _page(acme_viewer, case)
    response = signed_in(acme_viewer).post(_url(case, "rating"), {"score": "good"})

    assert 'id="rating"' not in html
    assert response.status_code == 403
    assert not CaseRating.objects.exists()


@pytest.mark.parametrize("other", ["globex_admin", "partner_admin"])
def test_another_tenant_gets_404(case, staff_agent, request, other):
    resolved(case, staff_agent)

    response = signed_in(request.getfixturevalue(other)).post(
        _url(case, "rating"), {"score": "bad"}
    )

    assert response.status_code == 404
    assert not CaseRating.objects.exists()


def test_the_customer_timeline_does_not_list_the_rating_event(case, acme_agent, staff_agent):
    resolved(case, staff_agent)
    services.case_rate(case=case, by=acme_agent, score="good", comment="Quick and clear.")

    html = _page(acme_agent, case)

    # The thank-you card shows it once; the public timeline does not repeat it.
    assert html.count("Quick and clear.") == 1
    assert "Customer rating" not in html


def test_a_reopened_case_is_not_asked_and_a_new_resolution_is(
    case, acme_agent, staff_agent, time_machine
):
    case = resolved(case, staff_agent)
    services.case_rate(case=case, by=acme_agent, score="bad")
    time_machine.move_to(NOW + dt.timedelta(hours=1), tick=False)
    case = services.case_reopen(case=case, by=acme_agent, reason="Still stops at line 200.")
    assert case.status == Status.IN_PROGRESS

    reopened = _page(acme_agent, case)
    time_machine.move_to(NOW + dt.timedelta(hours=2), tick=False)
    services.case_resolve(case=case, by=staff_agent, kind="settled", body="Patch 2026.3.")
    again = _page(acme_agent, case)

    assert 'id="rating"' not in reopened
    assert QUESTION in again
