"""The staff home on the admin index: one's counts and the queue's views, above the apps (issue 14)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from html import unescape

import pytest
from django.urls import reverse

from cases.admin.saved_views import saved_view_save
from cases.models import Case, SavedView, Status

pytestmark = pytest.mark.django_db

# Monday 2 March 2026, 15:00 UTC: 09:00 in Chicago, 23:00 in Singapore.
NOW = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
QUEUE = "/admin/cases/case/"
HOME = "/admin/"


@pytest.fixture(autouse=True)
def _now(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def make_case(acme, acme_site, acme_contract, acme_agent, release_2026):
    """Open a case through intake, then set the queue fields the staff home counts."""
    from cases.services import case_open

    def _make(*, status=Status.IN_PROGRESS, assignee=None, due_in: timedelta | None = None):
        case = case_open(
            reporter=acme_agent,
            organization=acme,
            site=acme_site,
            release=release_2026,
            title="Post-processor output stops at line 200",
            description="Posting any toolpath stops after 200 lines.",
            proposed_priority="P2",
            channel="portal",
        )
        due = None if due_in is None else NOW + due_in
        Case.objects.filter(pk=case.pk).update(status=status, assignee=assignee, queue_due_at=due)
        return case

    return _make


def _counts(html: str) -> dict[str, tuple[int, str]]:
    """Return {label: (count, link)} of the count tiles of the page."""
    tiles = re.findall(r'<a href="([^"]+)"><span class="count[^"]*">(\d+)</span> ([^<]+)</a>', html)
    return {label: (int(count), unescape(url)) for url, count, label in tiles}


def test_it_counts_the_staff_members_cases_and_the_teams(staff_login, staff_agent, make_case):
    staff_agent.time_zone = "America/Chicago"
    staff_agent.save(update_fields=["time_zone"])
    make_case(assignee=staff_agent, due_in=timedelta(hours=-1))  # breached, so due today too
    make_case(assignee=staff_agent, due_in=timedelta(hours=8))  # 17:00 in Chicago: today
    make_case(assignee=staff_agent, due_in=timedelta(hours=16))  # 01:00 tomorrow in Chicago
    make_case(assignee=staff_agent, status=Status.WAITING_ON_CUSTOMER)
    make_case(assignee=staff_agent, status=Status.RESOLVED, due_in=timedelta(hours=-3))
    make_case(due_in=timedelta(hours=2))  # the team's: unassigned, due today
    make_case(due_in=timedelta(days=3))

    html = staff_login(staff_agent).get(HOME).content.decode()

    assert _counts(html) == {
        "Assigned to you": (4, f"{QUEUE}?view=mine"),
        "Due today": (2, f"{QUEUE}?view=breaching_today&assignee=me"),
        "Breached": (1, f"{QUEUE}?view=mine&sla=breached"),
        "Waiting on customer": (1, f"{QUEUE}?view=waiting&assignee=me"),
        "Unassigned": (2, f"{QUEUE}?view=unassigned"),
        "Breaching today": (3, f"{QUEUE}?view=breaching_today"),
    }
    assert '<span class="count count-late">1</span> Breached' in html


def test_today_is_the_staff_members_own_day(staff_login, staff_agent, make_case):
    staff_agent.time_zone = "Asia/Singapore"  # 23:00 already: the day ends in an hour
    staff_agent.save(update_fields=["time_zone"])
    make_case(assignee=staff_agent, due_in=timedelta(minutes=30))
    make_case(assignee=staff_agent, due_in=timedelta(hours=2))

    html = staff_login(staff_agent).get(HOME).content.decode()

    assert _counts(html)["Due today"][0] == 1


def test_it_links_every_builtin_view_and_only_ones_own_saved_views(
    staff_login, staff_agent, staff_supervisor
):
    SavedView.objects.create(owner=staff_agent, name="P1 at Acme", query="priority=P1&q=acme")
    SavedView.objects.create(owner=staff_agent, name="Everything", query="")
    SavedView.objects.create(owner=staff_supervisor, name="Not mine", query="view=escalated")

    html = unescape(staff_login(staff_agent).get(HOME).content.decode())

    for slug, name in (
        ("open", "All open cases"),
        ("mine", "My open cases"),
        ("unassigned", "Unassigned"),
        ("breaching_today", "Breaching today"),
        ("waiting", "Waiting on customer"),
        ("escalated", "Escalated"),
    ):
        assert f'<a href="{QUEUE}?view={slug}">{name}</a>' in html
    assert f'<a href="{QUEUE}?priority=P1&q=acme">P1 at Acme</a>' in html
    assert f'<a href="{QUEUE}">Everything</a>' in html
    assert "Not mine" not in html


def test_a_saved_views_name_and_query_are_escaped(staff_login, staff_agent):
    SavedView.objects.create(owner=staff_agent, name="<b>bold</b>", query='q="><script>')

    html = staff_login(staff_agent).get(HOME).content.decode()

    assert "<b>bold</b>" not in html and "&lt;b&gt;bold&lt;/b&gt;" in html
    assert '"><script>' not in html


def test_the_app_list_stays_below_the_staff_home(staff_login, staff_agent):
    html = staff_login(staff_agent).get(HOME).content.decode()

    assert 'id="staff-home"' in html
    assert html.index('id="staff-home"') < html.index('class="app-cases module')


def test_staff_who_may_not_read_cases_see_no_counts(staff_login, staff_user):
    response = staff_login(staff_user).get(HOME)

    assert response.status_code == 200
    assert 'id="staff-home"' not in response.content.decode()


def test_a_customer_never_reaches_the_staff_home(client, acme_agent):
    client.force_login(acme_agent)

    response = client.get(HOME)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_the_views_are_named_in_the_staff_members_language(staff_login, staff_agent):
    staff_agent.language = "fr"
    staff_agent.save(update_fields=["language"])

    html = staff_login(staff_agent).get(HOME).content.decode()

    assert f'<a href="{QUEUE}?view=unassigned">Non attribué</a>' in html
    assert f'<a href="{QUEUE}?view=waiting">En attente du client</a>' in html


@pytest.mark.parametrize("cases, saved", [(0, 0), (3, 0), (3, 4)])
def test_the_staff_home_query_count_is_fixed(
    staff_login, staff_agent, make_case, django_assert_num_queries, cases, saved
):
    for _ in range(cases):
        make_case(assignee=staff_agent, due_in=timedelta(hours=1))
    for n in range(saved):
        SavedView.objects.create(owner=staff_agent, name=f"View {n}", query=f"q={n}")
    client = staff_login(staff_agent)

    # Django's admin index takes 8: session, user, authenticator (the MFA guard), the user's
    # and their groups' permissions, two staff-role checks of the app list, the recent actions
    # of the sidebar. The staff home adds the counts (one aggregate) and, the first time, the
    # saved views; then the queue's cached list of them serves.
    with django_assert_num_queries(10):
        assert client.get(HOME).status_code == 200
    with django_assert_num_queries(9):
        assert client.get(HOME).status_code == 200


def test_a_view_saved_from_the_queue_shows_at_once(staff_login, staff_agent):
    client = staff_login(staff_agent)
    client.get(HOME)  # the saved views are cached

    saved_view_save(owner=staff_agent, name="Acme P1", query="priority=P1&q=acme")

    html = unescape(client.get(HOME).content.decode())
    assert f'<a href="{QUEUE}?priority=P1&q=acme">Acme P1</a>' in html
