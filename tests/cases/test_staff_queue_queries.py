"""The queue's cost (issue 14, item 4): the same queries at 10, 25, 50 and 100 rows, 7 in all.

Session, user, authenticator, permissions (2), the page's rows, and the calendars of those
rows. The admin's app list is not built (the queue shows no navigation sidebar), the filters'
choice lists and the staff member's saved views come from the cache (queue_choices,
saved_views), the calendars' engines from theirs. And the badges' support minutes, counted
for the whole page in one walk of each calendar, are exactly those the engine counts.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.contrib import admin
from django.core.cache import cache
from django.test import RequestFactory
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from cases.admin.queue_rows import PageEngine, minutes_to
from cases.models import Case
from cases.services import case_assign, case_escalate, case_triage
from sla.businesstime import SupportCalendar
from sla.services.calendars import support_calendar_cache_clear

pytestmark = pytest.mark.django_db

QUEUE = "/admin/cases/case/"
PAGE_QUERIES = 7


@pytest.fixture(autouse=True)
def _fresh_engines():
    support_calendar_cache_clear()
    yield
    support_calendar_cache_clear()


@pytest.fixture
def hundred_cases(
    open_case,
    globex,
    globex_site,
    globex_contract,
    globex_agent,
    partner,
    partner_agent,
    end_customer,
    end_customer_site,
    end_customer_contract,
    release_2026,
    staff_agent,
    staff_supervisor,
    acme_agent,
):
    """100 open cases over three tenants, three sites and two calendars, some assigned,
    triaged or escalated: every kind of row the page joins in."""
    others = [
        {"reporter": globex_agent, "organization": globex, "site": globex_site},
        {
            "reporter": partner_agent,
            "organization": partner,
            "end_customer": end_customer,
            "site": end_customer_site,
        },
    ]
    for n in range(100):
        where = others[n % 3 - 1] if n % 3 else {}
        case = open_case(title=f"Toolpath case {n}", release=release_2026, **where)
        if n % 4 == 1:
            case = case_assign(case=case, by=staff_agent, assignee=staff_agent)
        elif n % 4 == 2:
            case = case_triage(case=case, by=staff_supervisor, priority="P1")
            case = case_assign(case=case, by=staff_supervisor, assignee=staff_supervisor)
        if n % 10 == 3:
            case_escalate(case=case, by=where.get("reporter", acme_agent), reason="Still down.")


def test_every_page_size_costs_the_same_queries(
    staff_login, staff_agent, hundred_cases, django_assert_num_queries
):
    client = staff_login(staff_agent)
    client.get(QUEUE)  # fills the choice lists, the saved views and the engines

    for size in (10, 25, 50, 100):
        with django_assert_num_queries(PAGE_QUERIES):
            response = client.get(QUEUE, {"per_page": str(size)})
        assert len(response.context["rows"]) == size


def test_a_filtered_sorted_page_costs_the_same(
    staff_login, staff_supervisor, hundred_cases, django_assert_num_queries
):
    client = staff_login(staff_supervisor)
    client.get(QUEUE)
    params = {"view": "open", "assignee": "me", "priority": "P1", "escalated": "no"}

    with django_assert_num_queries(PAGE_QUERIES):
        response = client.get(
            QUEUE, {**params, "sort": "-organization", "q": "Toolpath", "per_page": "100"}
        )
    assert len(response.context["rows"]) == 25


def test_the_htmx_table_costs_the_same(
    staff_login, staff_agent, hundred_cases, django_assert_num_queries
):
    client = staff_login(staff_agent)
    client.get(QUEUE)

    with django_assert_num_queries(PAGE_QUERIES):
        response = client.get(QUEUE, {"per_page": "50"}, HTTP_HX_REQUEST="true")
    assert len(response.context["rows"]) == 50
    assert "site_header" not in response.context


def test_an_empty_page_reads_no_calendar(
    staff_login, staff_agent, hundred_cases, django_assert_num_queries
):
    client = staff_login(staff_agent)
    client.get(QUEUE)

    with django_assert_num_queries(PAGE_QUERIES - 1):
        response = client.get(QUEUE, {"q": "no case has this title"})
    assert response.context["rows"] == []


def test_the_frame_has_every_key_of_the_admin_context(staff_agent, rf: RequestFactory):
    # The queue and the case page build the admin's frame without its app list: the keys
    # must stay those of AdminSite.each_context, whatever Django version adds.
    reverse("admin:index")  # the URLs are loaded, as for any request (portal.urls names the site)
    request = rf.get(QUEUE)
    request.user = staff_agent
    case_admin = admin.site.get_model_admin(Case)

    frame = case_admin.frame_context(request)

    assert frame.keys() == admin.site.each_context(request).keys()
    assert frame["available_apps"] == []
    assert frame["is_nav_sidebar_enabled"] is False
    assert frame["site_header"] == admin.site.site_header


def test_a_cold_cache_reads_the_choice_lists_and_views_once(
    staff_login, staff_agent, hundred_cases, django_assert_num_queries
):
    client = staff_login(staff_agent)
    client.get(QUEUE)
    cache.clear()

    # Staff, organisations and the staff member's saved views: one query each, then cached.
    with django_assert_num_queries(PAGE_QUERIES + 3):
        client.get(QUEUE)
    with django_assert_num_queries(PAGE_QUERIES):
        client.get(QUEUE)


def test_the_rows_escape_what_people_typed(staff_login, staff_agent, acme, open_case):
    # The rows are written without format_html (queue_rows._html): they must escape as it does.
    acme.name = 'Acme "Tools" & <Dies>'
    acme.save(update_fields=["name"])
    staff_agent.full_name = "O'Brien <b>"
    staff_agent.save(update_fields=["full_name"])
    case = case_assign(
        case=open_case(title="<img src=x onerror=alert(1)> fails"),
        by=staff_agent,
        assignee=staff_agent,
    )

    page = staff_login(staff_agent).get(QUEUE).content.decode()

    assert "<img src=x" not in page and "<b>" not in page
    assert 'title="&lt;img src=x onerror=alert(1)&gt; fails" tabindex="-1">' in page
    assert 'title="Acme &quot;Tools&quot; &amp; &lt;Dies&gt;">Acme &quot;Tools&quot;' in page
    assert "O&#x27;Brien &lt;b&gt;</td>" in page
    assert f'<a href="/admin/cases/case/{case.pk}/change/" data-case-link>{case.number}</a>' in page


# --- the page's support minutes: counted in one walk, exactly what the engine counts ---

_CALENDARS = [
    SupportCalendar("America/Chicago", holidays="US"),
    SupportCalendar(
        "Europe/Paris",
        holidays="FR",
        windows={0: [("08:00", "12:00"), ("13:30", "17:30")], 1: [("00:00", "02:30")], 5: []},
        closures=[(date(2026, 12, 24), "Christmas Eve")],
    ),
    SupportCalendar("Asia/Tokyo", opens="00:00", closes="24:00", weekdays=range(7)),
]
_END = datetime(2026, 3, 8, 8, 0, 41, 250_000, tzinfo=UTC)  # the US change to summer time


@settings(max_examples=60, deadline=None)
@given(
    calendar=st.sampled_from(_CALENDARS),
    end=st.datetimes(
        min_value=datetime(2026, 1, 1), max_value=datetime(2028, 12, 31), timezones=st.just(UTC)
    ),
    back=st.lists(
        st.one_of(
            # Seconds within the end's own minute and the one before it, whole minutes back
            # (instants the engine computes), and any instant over four years.
            st.integers(min_value=0, max_value=130).map(lambda s: timedelta(seconds=s)),
            st.integers(min_value=0, max_value=3_000_000).map(lambda m: timedelta(minutes=m)),
            st.integers(min_value=0, max_value=4 * 365 * 86_400 * 10**6).map(
                lambda us: timedelta(microseconds=us)
            ),
        ),
        min_size=1,
        max_size=30,
    ),
)
def test_the_page_counts_the_minutes_the_engine_counts(calendar, end, back):
    starts = [end - delta for delta in back] + [end + timedelta(minutes=5)]

    counted = minutes_to(calendar, starts, end)

    assert counted == {at: calendar.between(at, end) for at in starts if at < end}


@pytest.mark.parametrize("calendar", _CALENDARS)
def test_the_page_engine_answers_as_the_engine_does(calendar):
    dues = [_END - timedelta(days=d, seconds=s) for d in (0, 1, 30, 900) for s in (0, 17, 59)]
    engine = PageEngine(calendar, _END, dues)

    for due in dues:
        assert engine.between(due, _END) == calendar.between(due, _END)
    later = _END + timedelta(hours=30)
    # Anything else (time left to a due instant, another end) goes to the engine itself.
    assert engine.between(_END, later) == calendar.between(_END, later)
    assert engine.between(dues[-1], later) == calendar.between(dues[-1], later)
    assert engine.tz == calendar.tz
