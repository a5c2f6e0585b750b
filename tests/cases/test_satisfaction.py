"""The customer's rating of a resolution (issue 15): the service, the staff case page, the queue."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from cases import services
from cases.models import CaseEvent, CaseRating, EventKind, Satisfaction, Status
from common.limits import REASON_MAX_CHARS
from tests.cases.conftest import T0

pytestmark = pytest.mark.django_db

QUEUE = "/admin/cases/case/"


def _later(time_machine, minutes: int) -> None:
    time_machine.move_to(T0 + timedelta(minutes=minutes), tick=False)


def _refusal(exc: pytest.ExceptionInfo) -> str:
    return exc.value.error_list[0].code


def test_a_resolved_case_is_rated_once_with_an_internal_timeline_event(
    case_in, acme_agent, time_machine
):
    case = case_in(Status.RESOLVED)
    _later(time_machine, 90)

    rating = services.case_rate(
        case=case, by=acme_agent, score="bad", comment="  Took three replies to get the patch.  "
    )

    assert (rating.score, rating.comment, rating.rated_by) == (
        Satisfaction.BAD,
        "Took three replies to get the patch.",
        acme_agent,
    )
    assert rating.resolved_at == case.resolved_at
    assert rating.rated_at == T0 + timedelta(minutes=90)
    event = CaseEvent.objects.get(case=case, kind=EventKind.RATED_BAD)
    assert (event.public, event.actor, event.body) == (
        False,
        acme_agent,
        "Took three replies to get the patch.",
    )
    assert event.data["score"] == "bad"
    assert CaseRating.objects.for_resolution(case) == rating


def test_rating_the_same_resolution_twice_is_refused_and_the_first_answer_stands(
    case_in, acme_agent, acme_admin
):
    case = case_in(Status.RESOLVED)
    services.case_rate(case=case, by=acme_agent, score="good")

    with pytest.raises(ValidationError) as refused:
        services.case_rate(case=case, by=acme_admin, score="bad", comment="Changed my mind.")

    assert _refusal(refused) == "already_rated"
    assert list(CaseRating.objects.values_list("score", flat=True)) == ["good"]
    assert not CaseEvent.objects.filter(kind=EventKind.RATED_BAD).exists()


def test_the_database_keeps_one_rating_per_resolution(case_in, acme_agent):
    case = case_in(Status.RESOLVED)
    first = services.case_rate(case=case, by=acme_agent, score="good")

    with pytest.raises(IntegrityError), transaction.atomic():
        CaseRating.objects.create(
            case=case,
            resolved_at=first.resolved_at,
            score="bad",
            rated_by=acme_agent,
            rated_at=first.rated_at,
        )


def test_a_closed_case_is_rated_as_well(case_in, acme_agent):
    case = case_in(Status.CLOSED)

    rating = services.case_rate(case=case, by=acme_agent, score="good")

    assert rating.resolved_at == case.resolved_at
    assert services.case_may_be_rated(case)


@pytest.mark.parametrize(
    "status",
    [Status.NEW, Status.TRIAGED, Status.IN_PROGRESS, Status.WAITING_ON_CUSTOMER, Status.WITHDRAWN],
)
def test_a_case_support_has_not_resolved_is_not_rated(case_in, acme_agent, status):
    case = case_in(status)

    with pytest.raises(ValidationError) as refused:
        services.case_rate(case=case, by=acme_agent, score="good")

    assert _refusal(refused) == "not_resolved"
    assert not services.case_may_be_rated(case)
    assert not CaseRating.objects.exists()


def test_a_reopened_case_resolved_again_is_asked_again(
    case_in, acme_agent, staff_agent, time_machine
):
    case = case_in(Status.RESOLVED)
    services.case_rate(case=case, by=acme_agent, score="bad", comment="Not fixed.")
    _later(time_machine, 60)
    case = services.case_reopen(case=case, by=acme_agent, reason="Still stops at line 200.")

    assert CaseRating.objects.for_resolution(case) is None
    with pytest.raises(ValidationError) as refused:
        services.case_rate(case=case, by=acme_agent, score="good")
    assert _refusal(refused) == "not_resolved"

    _later(time_machine, 120)
    case = services.case_resolve(case=case, by=staff_agent, kind="settled", body="Patch 2026.3.")
    second = services.case_rate(case=case, by=acme_agent, score="good")

    assert CaseRating.objects.for_resolution(case) == second
    assert list(CaseRating.objects.values_list("score", flat=True)) == ["good", "bad"]


@pytest.mark.parametrize("who", ["staff_agent", "acme_viewer", "globex_admin", "partner_admin"])
def test_only_an_admin_or_agent_of_the_case_rates_it(case_in, request, who):
    case = case_in(Status.RESOLVED)

    with pytest.raises(PermissionDenied):
        services.case_rate(case=case, by=request.getfixturevalue(who), score="good")

    assert not CaseRating.objects.exists()
    assert not CaseEvent.objects.filter(kind__in=services.RATING_KINDS).exists()


def test_an_unknown_score_and_a_long_comment_are_refused_on_their_fields(case_in, acme_agent):
    case = case_in(Status.RESOLVED)

    with pytest.raises(ValidationError) as score:
        services.case_rate(case=case, by=acme_agent, score="5")
    with pytest.raises(ValidationError) as comment:
        services.case_rate(
            case=case, by=acme_agent, score="good", comment="x" * (REASON_MAX_CHARS + 1)
        )

    assert set(score.value.error_dict) == {"score"}
    assert set(comment.value.error_dict) == {"comment"}
    assert not CaseRating.objects.exists()


def test_a_rating_is_activity_on_the_case_and_moves_no_clock(case_in, acme_agent, time_machine):
    case = case_in(Status.RESOLVED)
    states = (case.response_state, case.resolution_state, case.status)
    _later(time_machine, 45)

    services.case_rate(case=case, by=acme_agent, score="good")

    case.refresh_from_db()
    assert (case.response_state, case.resolution_state, case.status) == states
    assert case.last_activity_at == T0 + timedelta(minutes=45)


# --- What staff see ---------------------------------------------------------------------


@pytest.fixture
def agent_client(staff_agent, staff_login):
    return staff_login(staff_agent)


def test_the_staff_case_page_shows_the_rating_and_its_timeline_event(
    agent_client, case_in, acme_agent
):
    case = case_in(Status.RESOLVED)
    services.case_rate(case=case, by=acme_agent, score="bad", comment="Slow to answer.")

    response = agent_client.get(f"/admin/cases/case/{case.pk}/change/")

    page = response.content.decode()
    [rating] = response.context["case_ratings"]
    assert (rating.label, rating.mark, rating.current) == ("Not satisfied", "☹", True)
    assert '<section class="case-side-block" id="case-ratings">' in page
    assert "<strong>Not satisfied</strong>" in page
    assert "Slow to answer." in page
    assert '<span class="case-event-kind">Customer rating: not satisfied</span>' in page


def test_the_staff_case_page_tells_an_earlier_resolution_s_rating_apart(
    agent_client, case_in, acme_agent, time_machine
):
    case = case_in(Status.RESOLVED)
    services.case_rate(case=case, by=acme_agent, score="bad")
    _later(time_machine, 60)
    services.case_reopen(case=case, by=acme_agent, reason="Still stops.")

    response = agent_client.get(f"/admin/cases/case/{case.pk}/change/")

    [rating] = response.context["case_ratings"]
    assert not rating.current
    assert "an earlier resolution" in response.content.decode()


def test_a_case_without_a_rating_shows_no_rating_block(agent_client, case_in):
    case = case_in(Status.RESOLVED)

    response = agent_client.get(f"/admin/cases/case/{case.pk}/change/")

    assert response.context["case_ratings"] == []
    assert 'id="case-ratings"' not in response.content.decode()


def _status_cell(html: str, number: str) -> str:
    row = html[html.index(f">{number}</a></th>") :]
    cell = row[row.index('<td class="col-status') :]
    return cell[: cell.index("</td>")]


def test_the_queue_marks_a_rated_resolution_before_its_status(
    agent_client, case_in, acme_agent, staff_agent, time_machine
):
    good = case_in(Status.RESOLVED)
    bad = case_in(Status.CLOSED)
    unrated = case_in(Status.RESOLVED)
    reopened = case_in(Status.RESOLVED)
    services.case_rate(case=good, by=acme_agent, score="good")
    services.case_rate(case=bad, by=acme_agent, score="bad")
    services.case_rate(case=reopened, by=acme_agent, score="bad")
    _later(time_machine, 60)
    services.case_reopen(case=reopened, by=acme_agent, reason="Still stops.")

    html = agent_client.get(QUEUE, {"view": "all"}).content.decode()

    mark = '<span class="queue-rating" role="img" aria-label="{0}" title="{0}">{1}</span> '
    assert _status_cell(html, good.number).endswith(
        mark.format("Customer rating: satisfied", "☺") + "Resolved"
    )
    assert _status_cell(html, bad.number).endswith(
        mark.format("Customer rating: not satisfied", "☹") + "Closed"
    )
    assert "queue-rating" not in _status_cell(html, unrated.number)
    # Reopened: the rating was of the previous resolution, not of the work now under way.
    assert "queue-rating" not in _status_cell(html, reopened.number)


def test_the_queue_reads_ratings_without_a_query_of_their_own(
    agent_client, case_in, acme_agent, django_assert_num_queries
):
    cases = [case_in(Status.RESOLVED) for _ in range(3)]
    agent_client.get(QUEUE, {"view": "all"})  # warm the session and the calendars' cache
    with CaptureQueriesContext(connection) as unrated:
        agent_client.get(QUEUE, {"view": "all"})
    for case in cases:
        services.case_rate(case=case, by=acme_agent, score="good")

    with django_assert_num_queries(len(unrated.captured_queries)):
        html = agent_client.get(QUEUE, {"view": "all"}).content.decode()

    assert html.count('class="queue-rating"') == 3
