"""Support calendars as data (SLP-6): defaults, validation, which site uses which, the engine."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from contracts.models import Organization, Site
from sla.businesstime import BusinessTimeError, SupportCalendar
from sla.models import Calendar, CalendarCountry, Closure, OpeningWindow, SiteCalendar
from sla.services.calendars import (
    calendar_for_site,
    calendar_make_fallback,
    calendar_preview,
    calendar_touch,
    support_calendar_cache_clear,
    support_calendar_for_site,
    support_calendar_from,
)

pytestmark = pytest.mark.django_db

CHICAGO = ZoneInfo("America/Chicago")


@pytest.fixture(autouse=True)
def _fresh_engines():
    """Row ids and timestamps repeat across rolled-back tests; so could cached engines."""
    support_calendar_cache_clear()
    yield
    support_calendar_cache_clear()


def make_site(code: str, *, country: str, time_zone: str) -> Site:
    org, _ = Organization.objects.get_or_create(
        name="Acme Machining", defaults={"kind": "direct_customer", "country": "US"}
    )
    return Site.objects.create(
        organization=org, name=code, code=code, country=country, time_zone=time_zone
    )


def make_calendar(name: str, **fields) -> Calendar:
    calendar = Calendar.objects.create(name=name, **fields)
    for day in range(5):
        OpeningWindow.objects.create(calendar=calendar, weekday=day, opens=time(8), closes=time(17))
    return calendar


def worldwide() -> Calendar:
    return Calendar.objects.get(name="Worldwide")


def uk() -> Calendar:
    return Calendar.objects.get(name="UK")


def window_errors(**fields) -> dict[str, list[str]]:
    window = OpeningWindow(**fields)
    with pytest.raises(ValidationError) as caught:
        window.full_clean()
    return caught.value.message_dict


# Defaults of SLP-6 -------------------------------------------------------------------------------


def test_migration_creates_the_worldwide_fallback_calendar():
    calendar = worldwide()
    assert calendar.is_fallback
    assert calendar.uses_site_time_zone
    assert calendar.holiday_code == "US"
    hours = sorted(calendar.windows.values_list("weekday", "opens", "closes"))
    assert hours == [(day, time(8), time(17)) for day in range(5)]


def test_migration_creates_the_uk_calendar_mapped_to_gb():
    calendar = uk()
    assert not calendar.is_fallback
    assert calendar.time_zone == "UTC"
    assert calendar.holiday_code == "GB-ENG"
    assert list(calendar.countries.values_list("country", flat=True)) == ["GB"]
    hours = sorted(calendar.windows.values_list("weekday", "opens", "closes"))
    assert hours == [(day, time(9), time(17)) for day in range(5)]


def test_engine_built_from_the_worldwide_data_is_the_slp6_engine():
    built = support_calendar_from(worldwide(), time_zone="America/Chicago")
    reference = SupportCalendar(
        timezone="America/Chicago", opens="08:00", closes="17:00", holidays="US"
    )
    assert built == reference
    # The day before Thanksgiving 2026, one hour before closing: 150 minutes end on Friday.
    start = datetime(2026, 11, 25, 16, 0, tzinfo=CHICAGO)
    assert (
        built.add(start, 150)
        == reference.add(start, 150)
        == datetime(2026, 11, 27, 9, 30, tzinfo=CHICAGO)
    )
    end = datetime(2027, 1, 4, 12, 0, tzinfo=CHICAGO)
    assert built.between(start, end) == reference.between(start, end)


def test_engine_built_from_the_uk_data_is_the_slp6_engine():
    built = support_calendar_from(uk())
    reference = SupportCalendar(timezone="UTC", opens="09:00", closes="17:00", holidays="GB-ENG")
    assert built == reference
    # Boxing Day 2026 is a Saturday: the bank holiday moves to Monday 28 December.
    start = datetime(2026, 12, 24, 16, 0, tzinfo=UTC)
    assert built.add(start, 120) == datetime(2026, 12, 29, 10, 0, tzinfo=UTC)


def test_engine_keeps_several_windows_a_day_and_closures():
    calendar = Calendar.objects.create(name="Lunch break", time_zone="Europe/Paris")
    OpeningWindow.objects.create(calendar=calendar, weekday=0, opens=time(9), closes=time(12))
    OpeningWindow.objects.create(calendar=calendar, weekday=0, opens=time(14), closes=time(18))
    Closure.objects.create(calendar=calendar, date=date(2026, 6, 8), reason="Team offsite")
    engine = support_calendar_from(calendar)
    assert engine.windows == {0: (("09:00", "12:00"), ("14:00", "18:00"))}
    paris = ZoneInfo("Europe/Paris")
    # Monday 1 June 11:00 + 120 minutes: one hour before lunch, one after.
    assert engine.add(datetime(2026, 6, 1, 11, tzinfo=paris), 120) == datetime(
        2026, 6, 1, 15, tzinfo=paris
    )
    # Monday 8 June is closed, so the next Monday's first window follows.
    assert engine.add(datetime(2026, 6, 1, 17, tzinfo=paris), 120) == datetime(
        2026, 6, 15, 10, tzinfo=paris
    )


def test_site_own_zone_calendar_needs_a_time_zone():
    with pytest.raises(BusinessTimeError, match="own time zone"):
        support_calendar_from(worldwide())


def test_a_calendar_without_windows_is_refused_by_name():
    calendar = Calendar.objects.create(name="Empty", time_zone="UTC")
    with pytest.raises(BusinessTimeError, match=r"'Empty'.*at least one opening window"):
        support_calendar_from(calendar)


# Which calendar a site uses ------------------------------------------------------------------------


def test_a_site_of_an_unmapped_country_uses_the_fallback_in_its_own_zone():
    tokyo = make_site("JP-1", country="JP", time_zone="Asia/Tokyo")
    assert calendar_for_site(tokyo) == worldwide()
    engine = support_calendar_for_site(tokyo)
    assert engine.tz == ZoneInfo("Asia/Tokyo")
    # SLP-6 names US federal holidays for every region: Tokyo closes on US Thanksgiving.
    assert engine.closed_reason(date(2026, 11, 26)) == "holiday: Thanksgiving Day"


def test_a_uk_site_uses_the_uk_calendar_in_utc_whatever_its_zone():
    london = make_site("GB-1", country="GB", time_zone="Europe/London")
    assert calendar_for_site(london) == uk()
    assert support_calendar_for_site(london).tz == ZoneInfo("UTC")


def test_a_country_mapping_beats_the_fallback():
    japan = make_calendar("Japan", time_zone="Asia/Tokyo", holiday_country="JP")
    CalendarCountry.objects.create(country="JP", calendar=japan)
    assert calendar_for_site(make_site("JP-2", country="JP", time_zone="Asia/Tokyo")) == japan


def test_a_site_override_beats_the_country_mapping():
    london = make_site("GB-2", country="GB", time_zone="Europe/London")
    SiteCalendar.objects.create(site=london, calendar=worldwide(), reason="Served from Chicago")
    assert calendar_for_site(london) == worldwide()
    assert support_calendar_for_site(london).tz == ZoneInfo("Europe/London")
    # Other GB sites keep the country's calendar.
    assert calendar_for_site(make_site("GB-3", country="GB", time_zone="Europe/London")) == uk()


def test_calendar_for_site_is_one_query(django_assert_num_queries):
    site = make_site("FR-1", country="FR", time_zone="Europe/Paris")
    with django_assert_num_queries(1):
        calendar_for_site(site)


def test_without_a_fallback_the_error_names_the_site():
    Calendar.objects.filter(is_fallback=True).update(is_fallback=False)
    site = make_site("FR-2", country="FR", time_zone="Europe/Paris")
    with pytest.raises(Calendar.DoesNotExist, match=r"FR-2.*fallback"):
        calendar_for_site(site)


# The engine cache ---------------------------------------------------------------------------------


def test_the_engine_is_reused_without_queries(django_assert_num_queries):
    calendar = uk()
    first = support_calendar_from(calendar)
    with django_assert_num_queries(0):
        assert support_calendar_from(calendar) is first


def test_the_engine_is_cached_per_time_zone():
    calendar = worldwide()
    chicago = support_calendar_from(calendar, time_zone="America/Chicago")
    paris = support_calendar_from(calendar, time_zone="Europe/Paris")
    assert chicago.tz != paris.tz


def test_saving_the_calendar_rebuilds_the_engine_with_its_new_hours():
    calendar = uk()
    before = support_calendar_from(calendar)
    calendar.windows.filter(weekday=0).update(opens=time(10))
    calendar_touch(calendar=calendar)
    after = support_calendar_from(calendar)
    assert before.windows[0] == (("09:00", "17:00"),)
    assert after.windows[0] == (("10:00", "17:00"),)


# Validation ---------------------------------------------------------------------------------------


def test_a_window_closing_before_it_opens_is_refused_on_closes():
    errors = window_errors(calendar=uk(), weekday=5, opens=time(12), closes=time(9))
    assert list(errors) == ["closes"]
    assert "must be after opening time 12:00" in errors["closes"][0]


def test_a_window_closing_when_it_opens_is_refused():
    assert "closes" in window_errors(calendar=uk(), weekday=5, opens=time(9), closes=time(9))


def test_a_window_overlapping_another_of_the_same_day_is_refused_on_opens():
    errors = window_errors(calendar=uk(), weekday=0, opens=time(16), closes=time(18))
    assert errors == {"opens": ["This window overlaps 09:00-17:00 on the same day."]}


def test_touching_windows_and_other_days_are_accepted():
    OpeningWindow(calendar=uk(), weekday=0, opens=time(17), closes=time(19)).full_clean()
    OpeningWindow(calendar=uk(), weekday=5, opens=time(9), closes=time(12)).full_clean()


def test_the_database_refuses_a_window_closing_before_it_opens():
    with pytest.raises(IntegrityError), transaction.atomic():
        OpeningWindow.objects.create(calendar=uk(), weekday=5, opens=time(12), closes=time(9))


@pytest.mark.parametrize(
    ("country", "subdivision", "field", "text"),
    [
        ("XX", "", "holiday_country", "no public holidays for “XX”"),
        ("GB", "XYZ", "holiday_subdivision", "“XYZ” is not a subdivision of GB"),
        ("", "ENG", "holiday_subdivision", "needs a holiday country"),
    ],
)
def test_unknown_holiday_codes_are_refused_on_their_field(country, subdivision, field, text):
    calendar = Calendar(name="Odd", holiday_country=country, holiday_subdivision=subdivision)
    with pytest.raises(ValidationError) as caught:
        calendar.full_clean()
    assert list(caught.value.message_dict) == [field]
    assert text in caught.value.message_dict[field][0]


def test_holiday_codes_are_normalised_to_upper_case():
    calendar = Calendar(name="Wales", time_zone="Europe/London", holiday_country="gb")
    calendar.holiday_subdivision = " wls "
    calendar.full_clean()
    assert calendar.holiday_code == "GB-WLS"


def test_an_unknown_time_zone_is_refused_and_blank_means_the_sites_own():
    with pytest.raises(ValidationError) as caught:
        Calendar(name="Mars", time_zone="Mars/Olympus").full_clean()
    assert list(caught.value.message_dict) == ["time_zone"]
    Calendar(name="Anywhere", time_zone="").full_clean()


def test_only_one_calendar_is_the_fallback():
    second = Calendar(name="Second", time_zone="UTC", is_fallback=True)
    with pytest.raises(ValidationError, match="already the fallback"):
        second.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        second.save()


def test_making_another_calendar_the_fallback_moves_the_flag():
    calendar_make_fallback(calendar=uk())
    assert list(Calendar.objects.filter(is_fallback=True)) == [uk()]
    site = make_site("FR-3", country="FR", time_zone="Europe/Paris")
    assert calendar_for_site(site) == uk()


def test_a_closure_needs_a_reason_and_one_per_day():
    with pytest.raises(ValidationError) as caught:
        Closure(calendar=uk(), date=date(2026, 8, 3), reason="   ").full_clean()
    assert list(caught.value.message_dict) == ["reason"]
    Closure.objects.create(calendar=uk(), date=date(2026, 8, 3), reason="Office move")
    with pytest.raises(ValidationError, match="already has a closure"):
        Closure(calendar=uk(), date=date(2026, 8, 3), reason="Again").full_clean()


def test_a_country_maps_to_one_calendar_only():
    with pytest.raises(ValidationError) as caught:
        CalendarCountry(country="GB", calendar=worldwide()).full_clean()
    assert list(caught.value.message_dict) == ["country"]


# Preview ------------------------------------------------------------------------------------------


def test_preview_lists_open_hours_holidays_weekends_and_closures():
    calendar = worldwide()
    Closure.objects.create(calendar=calendar, date=date(2026, 11, 27), reason="Inventory")
    days = calendar_preview(
        calendar, time_zone="America/Chicago", start_date=date(2026, 11, 23), days=7
    )
    assert [day.date for day in days] == [date(2026, 11, d) for d in range(23, 30)]
    monday = days[0]
    assert monday.windows == ((time(8), time(17)),)
    assert monday.minutes == 540
    assert monday.closed_reason is None
    assert days[3].closed_reason == "Holiday: Thanksgiving Day"
    assert days[4].closed_reason == "Closure: Inventory"
    assert days[5].closed_reason == days[6].closed_reason == "Weekend"
    assert days[5].windows == ()


def test_preview_shows_local_hours_across_a_dst_change():
    days = calendar_preview(
        worldwide(), time_zone="America/Chicago", start_date=date(2026, 10, 30), days=4
    )
    # US DST ends on Sunday 1 November 2026; Monday still opens at 08:00 local time.
    assert days[0].windows == days[3].windows == ((time(8), time(17)),)
