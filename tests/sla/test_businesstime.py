"""Tables for the business-time engine: support hours and calendars (SLP-6).

SLP-6 counts targets inside support hours in the site's local zone: 08:00-17:00 Monday to
Friday without US federal holidays everywhere but the UK ("Worldwide"), 09:00-17:00 UTC without
England and Wales bank holidays in the UK. Dates below were checked against a printed calendar:
US DST starts 2026-03-08 and 2027-03-14 and ends 2026-11-01 and 2027-11-07; the EU changes on
2026-03-29 and 2026-10-25.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import cache
from zoneinfo import ZoneInfo

import pytest

from sla.businesstime import BusinessTimeError, DayExplanation, SupportCalendar

CHICAGO = ZoneInfo("America/Chicago")
PARIS = ZoneInfo("Europe/Paris")
TOKYO = ZoneInfo("Asia/Tokyo")
LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")


@cache
def worldwide(tz: str = "America/Chicago") -> SupportCalendar:
    """Return the SLP-6 default calendar for a site outside the UK."""
    return SupportCalendar(timezone=tz, opens="08:00", closes="17:00", holidays="US")


@cache
def uk() -> SupportCalendar:
    """Return the SLP-6 UK calendar: 09:00-17:00 UTC, England and Wales bank holidays."""
    return SupportCalendar(timezone="UTC", opens="09:00", closes="17:00", holidays="GB-ENG")


@cache
def round_the_clock() -> SupportCalendar:
    """Return a calendar open every minute of every day, to expose real DST hours."""
    return SupportCalendar(
        timezone="America/Chicago", windows={day: [("00:00", "24:00")] for day in range(7)}
    )


@cache
def sunday_only(opens: str, closes: str) -> SupportCalendar:
    """Return a Chicago calendar open on Sundays only, for windows that straddle DST changes."""
    return SupportCalendar(timezone="America/Chicago", windows={6: [(opens, closes)]})


def at(tz: ZoneInfo, *args: int) -> datetime:
    return datetime(*args, tzinfo=tz)


ADD_CASES = [
    # (calendar, start, minutes, expected deadline)
    pytest.param(worldwide(), at(CHICAGO, 2026, 11, 23, 8), 0, at(CHICAGO, 2026, 11, 23, 8),
                 id="zero-at-opening-is-start"),
    pytest.param(worldwide(), at(CHICAGO, 2026, 11, 23, 10, 17), 0, at(CHICAGO, 2026, 11, 23, 10, 17),
                 id="zero-when-open-is-start"),
    pytest.param(worldwide(), at(CHICAGO, 2026, 11, 23, 17), 0, at(CHICAGO, 2026, 11, 24, 8),
                 id="zero-at-closing-is-next-opening"),
    pytest.param(worldwide(), at(CHICAGO, 2026, 11, 23, 7, 59), 0, at(CHICAGO, 2026, 11, 23, 8),
                 id="zero-before-opening"),
    pytest.param(worldwide(), at(CHICAGO, 2026, 11, 23, 8), 540, at(CHICAGO, 2026, 11, 23, 17),
                 id="full-day-ends-at-closing"),
    pytest.param(worldwide(), at(CHICAGO, 2026, 11, 23, 16), 60, at(CHICAGO, 2026, 11, 23, 17),
                 id="deadline-exactly-at-closing-stays-at-closing"),
    pytest.param(worldwide(), at(CHICAGO, 2026, 11, 23, 16), 61, at(CHICAGO, 2026, 11, 24, 8, 1),
                 id="one-minute-past-closing-rolls-to-morning"),
    pytest.param(worldwide(), at(CHICAGO, 2026, 11, 23, 17), 1, at(CHICAGO, 2026, 11, 24, 8, 1),
                 id="start-exactly-at-closing-counts-from-next-opening"),
    pytest.param(worldwide(), at(CHICAGO, 2026, 11, 23, 23, 30), 60, at(CHICAGO, 2026, 11, 24, 9),
                 id="start-at-night"),
    pytest.param(worldwide(), at(CHICAGO, 2026, 11, 24, 3), 150, at(CHICAGO, 2026, 11, 24, 10, 30),
                 id="start-before-dawn-p1-response"),
    pytest.param(worldwide(), at(CHICAGO, 2026, 11, 21, 12), 60, at(CHICAGO, 2026, 11, 23, 9),
                 id="start-on-saturday"),
    pytest.param(worldwide(), at(CHICAGO, 2026, 11, 25, 16), 120, at(CHICAGO, 2026, 11, 27, 9),
                 id="thanksgiving-skipped"),
    pytest.param(worldwide(), at(CHICAGO, 2026, 11, 26, 10), 60, at(CHICAGO, 2026, 11, 27, 9),
                 id="start-on-thanksgiving"),
    pytest.param(worldwide(), at(CHICAGO, 2026, 12, 24, 16), 120, at(CHICAGO, 2026, 12, 28, 9),
                 id="christmas-friday-2026"),
    pytest.param(worldwide(), at(CHICAGO, 2027, 12, 23, 16), 120, at(CHICAGO, 2027, 12, 27, 9),
                 id="christmas-2027-observed-friday-24th"),
    pytest.param(worldwide(), at(CHICAGO, 2027, 12, 30, 16), 120, at(CHICAGO, 2028, 1, 3, 9),
                 id="new-year-2028-observed-on-2027-12-31"),
    pytest.param(worldwide(), at(CHICAGO, 2026, 7, 2, 16), 120, at(CHICAGO, 2026, 7, 6, 9),
                 id="independence-day-observed-friday-3rd"),
    pytest.param(worldwide(), at(CHICAGO, 2027, 3, 12, 16), 120, at(CHICAGO, 2027, 3, 15, 9),
                 id="us-dst-start-2027-over-weekend"),
    pytest.param(worldwide(), at(CHICAGO, 2027, 11, 5, 16), 120, at(CHICAGO, 2027, 11, 8, 9),
                 id="us-dst-end-2027-over-weekend"),
    pytest.param(worldwide(), at(CHICAGO, 2026, 3, 6, 16), 600, at(CHICAGO, 2026, 3, 9, 17),
                 id="us-dst-start-2026-to-closing"),
    pytest.param(worldwide(), at(CHICAGO, 2026, 10, 30, 12), 1440, at(CHICAGO, 2026, 11, 4, 8),
                 id="us-dst-end-2026-p3-response"),
    pytest.param(worldwide(), datetime(2027, 3, 12, 22, tzinfo=UTC), 120,
                 datetime(2027, 3, 15, 14, tzinfo=UTC), id="utc-input-across-dst"),
    pytest.param(worldwide(), at(NEW_YORK, 2026, 11, 23, 9), 60, at(CHICAGO, 2026, 11, 23, 9),
                 id="new-york-input-before-chicago-opens"),
    pytest.param(worldwide("Asia/Tokyo"), at(TOKYO, 2026, 11, 25, 16), 120,
                 at(TOKYO, 2026, 11, 27, 9), id="tokyo-closed-on-us-thanksgiving"),
    pytest.param(worldwide("Asia/Tokyo"), at(TOKYO, 2026, 11, 23, 8), 60,
                 at(TOKYO, 2026, 11, 23, 9), id="tokyo-open-on-japanese-holiday"),
    pytest.param(worldwide("Asia/Tokyo"), datetime(2026, 11, 25, 7, tzinfo=UTC), 60,
                 at(TOKYO, 2026, 11, 27, 9), id="tokyo-utc-input-lands-on-us-thanksgiving"),
    pytest.param(worldwide("Europe/Paris"), at(PARIS, 2026, 7, 2, 16, 30), 60,
                 at(PARIS, 2026, 7, 6, 8, 30), id="paris-closed-on-us-independence-observed"),
    pytest.param(worldwide("Europe/Paris"), at(PARIS, 2026, 7, 14, 8), 60,
                 at(PARIS, 2026, 7, 14, 9), id="paris-open-on-french-national-day"),
    pytest.param(worldwide("Europe/Paris"), datetime(2026, 3, 27, 15, tzinfo=UTC), 120,
                 datetime(2026, 3, 30, 7, tzinfo=UTC), id="paris-eu-dst-start-utc-input"),
    pytest.param(uk(), datetime(2026, 4, 2, 16, tzinfo=UTC), 120, datetime(2026, 4, 7, 10, tzinfo=UTC),
                 id="uk-good-friday-and-easter-monday"),
    pytest.param(uk(), datetime(2026, 12, 24, 16, tzinfo=UTC), 120,
                 datetime(2026, 12, 29, 10, tzinfo=UTC), id="uk-boxing-day-substitute-monday-28th"),
    pytest.param(uk(), datetime(2027, 12, 24, 16, tzinfo=UTC), 120,
                 datetime(2027, 12, 29, 10, tzinfo=UTC), id="uk-christmas-and-boxing-substitutes-2027"),
    pytest.param(uk(), at(LONDON, 2026, 6, 1, 9, 30), 0, at(LONDON, 2026, 6, 1, 10),
                 id="uk-hours-are-utc-not-bst"),
    pytest.param(uk(), at(LONDON, 2026, 6, 1, 17, 30), 30, at(LONDON, 2026, 6, 1, 18),
                 id="uk-summer-closes-at-18-bst"),
    pytest.param(worldwide(), at(CHICAGO, 2026, 1, 5, 8), 2 * 5 * 540, at(CHICAGO, 2026, 1, 16, 17),
                 id="two-full-weeks"),
    pytest.param(worldwide(), at(CHICAGO, 2026, 1, 5, 8), 4 * 5 * 540, at(CHICAGO, 2026, 2, 2, 17),
                 id="four-weeks-with-mlk-day"),
    pytest.param(worldwide(), at(CHICAGO, 2026, 11, 25, 16, 59, 59, 500_000), 1,
                 at(CHICAGO, 2026, 11, 27, 8, 0, 59, 500_000), id="sub-second-start-is-exact"),
    pytest.param(round_the_clock(), at(CHICAGO, 2027, 3, 13, 12), 1440, at(CHICAGO, 2027, 3, 14, 13),
                 id="dst-start-day-has-23-hours"),
    pytest.param(round_the_clock(), at(CHICAGO, 2027, 11, 6, 12), 1440, at(CHICAGO, 2027, 11, 7, 11),
                 id="dst-end-day-has-25-hours"),
    pytest.param(sunday_only("02:30", "04:00"), at(CHICAGO, 2027, 3, 14, 0), 0,
                 at(CHICAGO, 2027, 3, 14, 3), id="opening-in-skipped-hour-resolves-forward"),
]


@pytest.mark.parametrize(("calendar", "start", "minutes", "expected"), ADD_CASES)
def test_add_finds_the_deadline(
    calendar: SupportCalendar, start: datetime, minutes: int, expected: datetime
) -> None:
    assert calendar.add(start, minutes) == expected


@pytest.mark.parametrize(("calendar", "start", "minutes", "expected"), ADD_CASES)
def test_between_counts_back_the_minutes_added(
    calendar: SupportCalendar, start: datetime, minutes: int, expected: datetime
) -> None:
    assert calendar.between(start, expected) == minutes


def test_add_answers_in_the_calendars_zone() -> None:
    deadline = worldwide("Asia/Tokyo").add(datetime(2026, 11, 25, 0, tzinfo=UTC), 60)
    assert deadline.tzinfo == TOKYO
    assert (deadline.hour, deadline.minute) == (10, 0)


BETWEEN_CASES = [
    pytest.param(worldwide(), at(CHICAGO, 2026, 11, 23, 9), at(CHICAGO, 2026, 11, 23, 9), 0,
                 id="empty-interval"),
    pytest.param(worldwide(), at(CHICAGO, 2026, 11, 23, 10), at(CHICAGO, 2026, 11, 23, 9), 0,
                 id="end-before-start"),
    pytest.param(worldwide(), at(CHICAGO, 2026, 11, 23, 8), at(CHICAGO, 2026, 11, 23, 8, 1, 59), 1,
                 id="whole-minutes-only"),
    pytest.param(worldwide(), at(CHICAGO, 2026, 11, 23, 8, 0, 30), at(CHICAGO, 2026, 11, 23, 8, 2),
                 1, id="half-minute-start-floors"),
    pytest.param(worldwide(), at(CHICAGO, 2026, 11, 20, 18), at(CHICAGO, 2026, 11, 23, 7), 0,
                 id="weekend-night-counts-nothing"),
    pytest.param(worldwide(), at(CHICAGO, 2026, 11, 23, 0), at(CHICAGO, 2026, 11, 30, 0), 4 * 540,
                 id="thanksgiving-week"),
    pytest.param(worldwide(), datetime(2026, 1, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC),
                 (261 - 11) * 540, id="year-2026-working-days"),
    pytest.param(uk(), datetime(2026, 1, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC),
                 (261 - 8) * 480, id="uk-year-2026-working-days"),
    pytest.param(round_the_clock(), at(CHICAGO, 2027, 3, 14, 0), at(CHICAGO, 2027, 3, 15, 0), 1380,
                 id="23-hour-day"),
    pytest.param(round_the_clock(), at(CHICAGO, 2026, 11, 1, 0), at(CHICAGO, 2026, 11, 2, 0), 1500,
                 id="25-hour-day"),
    pytest.param(sunday_only("00:00", "05:00"), at(CHICAGO, 2027, 3, 14, 0),
                 at(CHICAGO, 2027, 3, 15, 0), 240, id="window-across-spring-forward-is-4-hours"),
    pytest.param(sunday_only("00:00", "05:00"), at(CHICAGO, 2027, 11, 7, 0),
                 at(CHICAGO, 2027, 11, 8, 0), 360, id="window-across-fall-back-is-6-hours"),
    pytest.param(sunday_only("01:30", "02:30"), at(CHICAGO, 2027, 3, 14, 0),
                 at(CHICAGO, 2027, 3, 15, 0), 30, id="window-half-skipped-in-spring"),
    pytest.param(sunday_only("01:30", "02:30"), at(CHICAGO, 2027, 11, 7, 0),
                 at(CHICAGO, 2027, 11, 8, 0), 90, id="window-half-repeated-in-autumn"),
    pytest.param(sunday_only("00:00", "05:00"), at(CHICAGO, 2027, 3, 7, 0),
                 at(CHICAGO, 2027, 3, 8, 0), 300, id="same-window-on-an-ordinary-sunday"),
]


@pytest.mark.parametrize(("calendar", "start", "end", "expected"), BETWEEN_CASES)
def test_between_counts_support_minutes(
    calendar: SupportCalendar, start: datetime, end: datetime, expected: int
) -> None:
    assert calendar.between(start, end) == expected


OPEN_CASES = [
    pytest.param(worldwide(), at(CHICAGO, 2026, 11, 23, 8), True, id="at-opening"),
    pytest.param(worldwide(), at(CHICAGO, 2026, 11, 23, 16, 59, 59), True, id="last-second"),
    pytest.param(worldwide(), at(CHICAGO, 2026, 11, 23, 17), False, id="at-closing"),
    pytest.param(worldwide(), at(CHICAGO, 2026, 11, 26, 12), False, id="thanksgiving"),
    pytest.param(worldwide(), at(CHICAGO, 2026, 11, 28, 12), False, id="saturday"),
    pytest.param(worldwide(), datetime(2026, 11, 23, 14, tzinfo=UTC), True, id="utc-input"),
    pytest.param(uk(), datetime(2026, 12, 28, 12, tzinfo=UTC), False, id="uk-substitute-day"),
]


@pytest.mark.parametrize(("calendar", "instant", "expected"), OPEN_CASES)
def test_is_open(calendar: SupportCalendar, instant: datetime, expected: bool) -> None:
    assert calendar.is_open(instant) is expected


@pytest.mark.parametrize(
    ("instant", "expected"),
    [
        pytest.param(at(CHICAGO, 2026, 11, 23, 9), at(CHICAGO, 2026, 11, 23, 9), id="open"),
        pytest.param(at(CHICAGO, 2026, 11, 25, 17), at(CHICAGO, 2026, 11, 27, 8), id="holiday"),
        pytest.param(at(CHICAGO, 2026, 11, 28, 9), at(CHICAGO, 2026, 11, 30, 8), id="weekend"),
    ],
)
def test_next_open(instant: datetime, expected: datetime) -> None:
    assert worldwide().next_open(instant) == expected


def test_several_windows_a_day() -> None:
    cal = SupportCalendar(
        timezone="Europe/Paris",
        windows={day: [("13:00", "17:00"), ("08:00", "12:00")] for day in range(5)},
    )
    monday = 2026, 11, 23
    assert cal.add(at(PARIS, *monday, 11, 30), 60) == at(PARIS, *monday, 13, 30)
    assert cal.add(at(PARIS, *monday, 12, 15), 0) == at(PARIS, *monday, 13)
    assert cal.add(at(PARIS, *monday, 11), 60) == at(PARIS, *monday, 12)
    assert cal.between(at(PARIS, *monday, 0), at(PARIS, *monday, 23)) == 480
    assert not cal.is_open(at(PARIS, *monday, 12, 30))


def test_touching_windows_count_as_one_stretch() -> None:
    cal = SupportCalendar(timezone="UTC", windows={0: [("08:00", "12:00"), ("12:00", "13:00")]})
    monday = datetime(2026, 11, 23, 11, tzinfo=UTC)
    assert cal.add(monday, 90) == datetime(2026, 11, 23, 12, 30, tzinfo=UTC)
    assert cal.add(monday, 120) == datetime(2026, 11, 23, 13, tzinfo=UTC)


def test_custom_weekdays() -> None:
    cal = SupportCalendar(timezone="America/Chicago", weekdays=[0, 1, 2, 3], holidays="US")
    assert cal.add(at(CHICAGO, 2026, 11, 19, 16), 120) == at(CHICAGO, 2026, 11, 23, 9)
    saturday_shift = SupportCalendar(timezone="America/Chicago", weekdays=range(6))
    assert saturday_shift.add(at(CHICAGO, 2026, 11, 20, 16), 120) == at(CHICAGO, 2026, 11, 21, 9)


@pytest.mark.parametrize(
    "closures",
    [
        pytest.param([(date(2026, 12, 24), "Christmas Eve")], id="pairs"),
        pytest.param({date(2026, 12, 24): "Christmas Eve"}, id="mapping"),
    ],
)
def test_closures_close_extra_days(closures: object) -> None:
    cal = SupportCalendar(timezone="America/Chicago", holidays="US", closures=closures)
    assert cal.add(at(CHICAGO, 2026, 12, 23, 16), 120) == at(CHICAGO, 2026, 12, 28, 9)
    assert cal.closed_reason(date(2026, 12, 24)) == "closure: Christmas Eve"


def test_explain_lists_every_local_day_with_its_reason() -> None:
    """A UI can show "Thu: holiday: Thanksgiving Day, Sat: weekend" (SLP-6)."""
    start, end = at(CHICAGO, 2026, 11, 25, 16), at(CHICAGO, 2026, 11, 30, 9)
    rows = worldwide().explain(start, end)
    assert [(row.date.day, row.minutes, row.closed_reason) for row in rows] == [
        (25, 60, None),
        (26, 0, "holiday: Thanksgiving Day"),
        (27, 540, None),
        (28, 0, "weekend"),
        (29, 0, "weekend"),
        (30, 60, None),
    ]
    assert rows[0].windows == ((start, at(CHICAGO, 2026, 11, 25, 17)),)
    assert rows[-1].windows == ((at(CHICAGO, 2026, 11, 30, 8), end),)
    assert sum(row.minutes for row in rows) == worldwide().between(start, end)
    assert isinstance(rows[0], DayExplanation)


def test_explain_uses_the_calendars_local_dates_and_reasons() -> None:
    rows = uk().explain(datetime(2026, 12, 24, 16, tzinfo=UTC), datetime(2026, 12, 29, 10, tzinfo=UTC))
    assert [row.closed_reason for row in rows] == [
        None,
        "holiday: Christmas Day",
        "weekend",
        "weekend",
        "holiday: Boxing Day (observed)",
        None,
    ]
    friday = SupportCalendar(timezone="UTC", weekdays=range(4))
    assert friday.closed_reason(date(2026, 11, 27)) == "no support hours on Fri"
    assert worldwide().explain(at(CHICAGO, 2026, 11, 25, 16), at(CHICAGO, 2026, 11, 25, 15)) == []


def test_describe_and_repr_say_what_the_calendar_is() -> None:
    text = SupportCalendar(
        timezone="Europe/Paris",
        windows={0: [("08:00", "12:00")], 1: [("08:00", "12:00")], 5: [("09:00", "11:00")]},
        holidays="FR",
        closures=[(date(2026, 8, 14), "Summer shutdown")],
    ).describe()
    assert text == (
        "Mon-Tue 08:00-12:00; Sat 09:00-11:00 (Europe/Paris), closed on FR public holidays,"
        " 1 extra closure(s)"
    )
    assert "Mon-Fri 08:00-17:00 (America/Chicago)" in repr(worldwide())


def test_equal_definitions_are_equal_calendars() -> None:
    assert SupportCalendar("UTC", holidays="gb-eng", opens="09:00") == SupportCalendar(
        "UTC", holidays="GB-ENG", opens="09:00"
    )
    assert SupportCalendar("UTC") != SupportCalendar("UTC", holidays="US")


@pytest.mark.parametrize("code", ["US", "GB-ENG", "FR", "JP", "GB-SCT", "US-CA"])
def test_holiday_codes_are_accepted(code: str) -> None:
    assert SupportCalendar(timezone="UTC", holidays=code).holidays == code


BAD_CALENDARS = [
    pytest.param({"timezone": "Mars/Olympus_Mons"}, "unknown time zone", id="unknown-zone"),
    pytest.param({"timezone": ""}, "time zone", id="empty-zone"),
    pytest.param({"timezone": "UTC", "holidays": "XX"}, "unknown holiday country", id="country"),
    pytest.param({"timezone": "UTC", "holidays": "GB-XYZ"}, "subdivision", id="subdivision"),
    pytest.param({"timezone": "UTC", "holidays": "United States"}, "country code", id="code"),
    pytest.param({"timezone": "UTC", "opens": "17:00", "closes": "08:00"}, "after opening",
                 id="closes-before-opens"),
    pytest.param({"timezone": "UTC", "opens": "08:00", "closes": "08:00"}, "after opening",
                 id="closes-at-opening"),
    pytest.param({"timezone": "UTC", "opens": "8h"}, "HH:MM", id="bad-hhmm"),
    pytest.param({"timezone": "UTC", "closes": "25:00"}, "HH:MM", id="hour-25"),
    pytest.param({"timezone": "UTC", "closes": "24:30"}, "past 24:00", id="past-midnight"),
    pytest.param({"timezone": "UTC", "opens": 8}, "HH:MM", id="hhmm-not-a-string"),
    pytest.param({"timezone": "UTC", "weekdays": [0, 7]}, "weekday", id="weekday-7"),
    pytest.param({"timezone": "UTC", "weekdays": [-1]}, "weekday", id="weekday-negative"),
    pytest.param({"timezone": "UTC", "weekdays": []}, "at least one opening", id="never-open"),
    pytest.param({"timezone": "UTC", "windows": {9: [("08:00", "17:00")]}}, "weekday",
                 id="windows-weekday-9"),
    pytest.param({"timezone": "UTC", "windows": {0: [("08:00", "12:00"), ("11:00", "14:00")]}},
                 "overlap", id="overlapping-windows"),
    pytest.param({"timezone": "UTC", "windows": {0: ["08:00-12:00"]}}, "pair", id="window-not-pair"),
    pytest.param({"timezone": "UTC", "closures": [("2026-12-24", "Eve")]}, "closure date",
                 id="closure-not-a-date"),
    pytest.param({"timezone": "UTC", "closures": [(date(2026, 12, 24), "")]}, "reason",
                 id="closure-without-reason"),
]


@pytest.mark.parametrize(("kwargs", "message"), BAD_CALENDARS)
def test_bad_calendars_are_refused(kwargs: dict, message: str) -> None:
    with pytest.raises(BusinessTimeError, match=message):
        SupportCalendar(**kwargs)


NAIVE = datetime(2026, 11, 23, 9)
AWARE = at(CHICAGO, 2026, 11, 23, 9)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        pytest.param(lambda cal: cal.add(NAIVE, 10), "naive", id="add-naive"),
        pytest.param(lambda cal: cal.add(AWARE, -1), "negative", id="add-negative"),
        pytest.param(lambda cal: cal.add(AWARE, 1.5), "whole number", id="add-float"),
        pytest.param(lambda cal: cal.add(AWARE, "10"), "whole number", id="add-str"),
        pytest.param(lambda cal: cal.add(AWARE, True), "whole number", id="add-bool"),
        pytest.param(lambda cal: cal.add(date(2026, 11, 23), 10), "aware datetime", id="add-date"),
        pytest.param(lambda cal: cal.between(NAIVE, AWARE), "naive", id="between-naive-start"),
        pytest.param(lambda cal: cal.between(AWARE, NAIVE), "naive", id="between-naive-end"),
        pytest.param(lambda cal: cal.is_open(NAIVE), "naive", id="is-open-naive"),
        pytest.param(lambda cal: cal.next_open(NAIVE), "naive", id="next-open-naive"),
        pytest.param(lambda cal: cal.explain(NAIVE, AWARE), "naive", id="explain-naive"),
    ],
)
def test_bad_arguments_are_refused(call: object, message: str) -> None:
    with pytest.raises(BusinessTimeError, match=message):
        call(worldwide())


def test_business_time_error_is_a_value_error() -> None:
    assert issubclass(BusinessTimeError, ValueError)
