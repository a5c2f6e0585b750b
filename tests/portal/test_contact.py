"""The contact page: SLP-13's channels, hours in the viewer's zone, open now, holidays (issue 6)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from tests.factories import SiteFactory

pytestmark = pytest.mark.django_db

# Monday 2 March 2026, 16:00 UTC: 10:00 in Chicago (CST), 16:00 in London (GMT).
MONDAY = dt.datetime(2026, 3, 2, 16, 0, tzinfo=dt.UTC)
# Saturday 7 March 2026, noon UTC. The US moves to summer time on Sunday 8 March.
SATURDAY = dt.datetime(2026, 3, 7, 12, 0, tzinfo=dt.UTC)


def _page(user, time_machine, at: dt.datetime, query: str = "") -> str:
    time_machine.move_to(at, tick=False)
    client = Client()
    client.force_login(user)
    response = client.get(f"/contact/{query}")
    assert response.status_code == 200
    return response.content.decode()


def _section(html: str, heading_id: str) -> str:
    start = html.index(f'id="{heading_id}"')
    return html[start : html.index("</section>", start)]


def test_it_lists_the_phone_numbers_of_slp_13(acme_admin, acme_site, time_machine):
    html = _page(acme_admin, time_machine, MONDAY)

    assert 'href="tel:+18608755006">1.860.875.5006</a>' in html
    assert 'href="tel:+18002282877">1.800.228.2877</a>' in html
    assert 'href="tel:+441215045200">0121.504.5200</a>' in html


def test_on_a_weekday_morning_support_is_open_on_every_channel(acme_admin, acme_site, time_machine):
    html = _page(acme_admin, time_machine, MONDAY)

    for section in ("online-heading", "phone-us", "phone-uk"):
        assert "Open now" in _section(html, section)


def test_the_us_line_keeps_the_hours_of_the_callers_us_site(acme_admin, acme_site, time_machine):
    html = _section(_page(acme_admin, time_machine, MONDAY), "phone-us")

    assert "Monday to Friday, 08:00\N{EN DASH}17:00 (America/Chicago time)" in html
    assert "closed on US federal holidays" in html


def test_the_uk_line_is_open_nine_to_five_utc_on_uk_working_days(
    acme_admin, acme_site, time_machine
):
    html = _section(_page(acme_admin, time_machine, MONDAY), "phone-uk")

    assert "Monday to Friday, 09:00\N{EN DASH}17:00 (UTC time)" in html
    assert "UK bank holidays (England and Wales)" in html


def test_hours_are_shown_in_the_viewers_time_zone(acme_admin, acme_site, time_machine):
    acme_admin.time_zone = "Europe/Paris"
    acme_admin.save()

    html = _page(acme_admin, time_machine, MONDAY)

    assert "Times are shown in your time zone, Europe/Paris." in html
    # 08:00-17:00 in Chicago (UTC-6) is 15:00-00:00 in Paris (UTC+1).
    assert "Monday 2 March, 15:00 \N{EN DASH} Tuesday 3 March, 00:00" in _section(html, "phone-us")
    # 09:00-17:00 UTC is 10:00-18:00 in Paris.
    assert "Monday 2 March, 10:00 \N{EN DASH} 18:00" in _section(html, "phone-uk")


def test_on_saturday_it_is_closed_and_tells_when_it_next_opens_across_the_dst_change(
    acme_admin, acme_site, time_machine
):
    html = _page(acme_admin, time_machine, SATURDAY)

    online = _section(html, "online-heading")
    assert "Closed now" in online
    # 08:00 in Chicago on Monday 9 March is 13:00 UTC: summer time began on Sunday.
    assert "Opens next on Monday 9 March, 13:00 (your time)." in online
    assert "Opens next on Monday 9 March, 09:00 (your time)." in _section(html, "phone-uk")


def test_it_lists_the_holidays_of_the_next_60_days_of_the_site_calendar(
    acme_admin, acme_site, time_machine
):
    online = _section(
        _page(acme_admin, time_machine, dt.datetime(2026, 6, 20, tzinfo=dt.UTC)), "online-heading"
    )

    # 4 July 2026 is a Saturday: the federal holiday is observed on Friday 3 July.
    assert "Friday 3 July 2026" in online and "Independence Day" in online
    assert "Labor Day" not in online  # 7 September: beyond 60 days


def test_a_uk_site_follows_the_uk_calendar_and_its_bank_holidays(
    globex_admin, globex_site, time_machine
):
    html = _page(globex_admin, time_machine, dt.datetime(2026, 7, 10, tzinfo=dt.UTC))

    online = _section(html, "online-heading")
    assert "calendar UK" in online
    assert "Monday 31 August 2026" in online
    # No US site: the US line is shown in the zone of its home office.
    assert "(America/New_York time)" in _section(html, "phone-us")


def test_a_user_chooses_among_its_own_sites(acme, acme_admin, acme_site, globex_site, time_machine):
    SiteFactory(
        organization=acme,
        code="ACME-LON",
        name="Acme London",
        country="GB",
        time_zone="Europe/London",
    )

    html = _page(acme_admin, time_machine, MONDAY, "?site=ACME-LON")

    assert "Acme London: calendar UK" in html
    assert '<option value="GLOBEX-LON"' not in html


def test_another_tenants_site_is_refused_without_revealing_it(
    acme, acme_admin, acme_site, globex_site, time_machine
):
    SiteFactory(organization=acme, code="ACME-NYC", time_zone="America/New_York")

    html = _page(acme_admin, time_machine, MONDAY, "?site=GLOBEX-LON")
    missing = _page(acme_admin, time_machine, MONDAY, "?site=NO-SUCH")

    assert "Globex" not in html and "calendar UK" not in html
    assert 'id="id_site_error"' in html and 'id="id_site_error"' in missing
    assert "Acme Chicago: calendar Worldwide" in html


def test_a_partner_sees_its_end_customers_site_hours(
    partner_admin, end_customer_site, time_machine
):
    html = _page(partner_admin, time_machine, MONDAY)

    assert "Initech Denver: calendar Worldwide" in html


def test_without_a_site_the_phone_lines_still_show(stranger, time_machine):
    html = _page(stranger, time_machine, MONDAY)

    assert "No site is recorded for your organisation" in html
    assert "Open now" in _section(html, "phone-uk")


def test_the_page_needs_a_signed_in_user(client, db):
    assert client.get("/contact/").status_code == 302


def test_the_query_count_is_fixed(
    acme, acme_admin, acme_site, time_machine, django_assert_num_queries
):
    for _ in range(5):
        SiteFactory(organization=acme)
    client = Client()
    client.force_login(acme_admin)
    time_machine.move_to(MONDAY, tick=False)
    client.get("/contact/")  # builds and caches the calendar engines

    # session, user, membership, brand, two notice banners; sites; three calendar lookups
    with django_assert_num_queries(10):
        client.get("/contact/")
