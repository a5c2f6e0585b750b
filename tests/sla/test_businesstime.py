"""Tables for the business-time engine: support hours and calendars (SLP-6).

SLP-6 counts targets inside support hours in the site's local zone: 08:00-17:00 Monday to
Friday without US federal holidays everywhere but the UK ("Worldwide"), 09:00-17:00 UTC without
England and Wales bank holidays in the UK. Dates below were checked against a printed calendar:
US DST starts 2026-03-08 and 2027-03-14 and ends 2026-11-01 and 2027-11-07; the EU changes on
2026-03-29 and 2026-10-25.
"""

from __future__ import annotations

from collections.abc import Callable
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


def when(text: str, calendar: SupportCalendar) -> datetime:
    """Read "YYYY-MM-DD HH:MM[:SS.ffffff] [Zone|Z]"; without a zone, the calendar's own."""
    stamp, _, zone = text.partition(" ")[2].partition(" ")
    day = text.split(" ")[0]
    instant = datetime.fromisoformat(f"{day} {stamp}")
    if instant.tzinfo is not None:
        return instant
    return instant.replace(tzinfo=ZoneInfo(zone) if zone else calendar.tz)


WW, UK = worldwide(), uk()
WW_TOKYO, WW_PARIS = worldwide("Asia/Tokyo"), worldwide("Europe/Paris")
ALWAYS = round_the_clock()

# fmt: off
ADD_ROWS = [
    # id, calendar, start, support minutes, deadline (local to the calendar unless zoned)
    ("zero-at-opening-is-start", WW, "2026-11-23 08:00", 0, "2026-11-23 08:00"),
    ("zero-when-open-is-start", WW, "2026-11-23 10:17", 0, "2026-11-23 10:17"),
    ("zero-at-closing-is-next-opening", WW, "2026-11-23 17:00", 0, "2026-11-24 08:00"),
    ("zero-before-opening", WW, "2026-11-23 07:59", 0, "2026-11-23 08:00"),
    ("full-day-ends-at-closing", WW, "2026-11-23 08:00", 540, "2026-11-23 17:00"),
    ("deadline-exactly-at-closing-stays", WW, "2026-11-23 16:00", 60, "2026-11-23 17:00"),
    ("one-minute-past-closing-rolls-over", WW, "2026-11-23 16:00", 61, "2026-11-24 08:01"),
    ("start-at-closing-counts-from-opening", WW, "2026-11-23 17:00", 1, "2026-11-24 08:01"),
    ("start-at-night", WW, "2026-11-23 23:30", 60, "2026-11-24 09:00"),
    ("start-before-dawn-p1-response", WW, "2026-11-24 03:00", 150, "2026-11-24 10:30"),
    ("start-on-saturday", WW, "2026-11-21 12:00", 60, "2026-11-23 09:00"),
    ("thanksgiving-skipped", WW, "2026-11-25 16:00", 120, "2026-11-27 09:00"),
    ("start-on-thanksgiving", WW, "2026-11-26 10:00", 60, "2026-11-27 09:00"),
    ("christmas-friday-2026", WW, "2026-12-24 16:00", 120, "2026-12-28 09:00"),
    ("christmas-2027-observed-friday-24th", WW, "2027-12-23 16:00", 120, "2027-12-27 09:00"),
    ("new-year-2028-observed-2027-12-31", WW, "2027-12-30 16:00", 120, "2028-01-03 09:00"),
    ("independence-day-observed-3rd", WW, "2026-07-02 16:00", 120, "2026-07-06 09:00"),
    ("us-dst-start-2027-over-weekend", WW, "2027-03-12 16:00", 120, "2027-03-15 09:00"),
    ("us-dst-end-2027-over-weekend", WW, "2027-11-05 16:00", 120, "2027-11-08 09:00"),
    ("us-dst-start-2026-to-closing", WW, "2026-03-06 16:00", 600, "2026-03-09 17:00"),
    ("us-dst-end-2026-p3-response", WW, "2026-10-30 12:00", 1440, "2026-11-04 09:00"),
    ("utc-input-across-dst", WW, "2027-03-12 22:00Z", 120, "2027-03-15 14:00Z"),
    ("new-york-input", WW, "2026-11-23 09:00 America/New_York", 60, "2026-11-23 09:00"),
    ("tokyo-closed-on-us-thanksgiving", WW_TOKYO, "2026-11-25 16:00", 120, "2026-11-27 09:00"),
    ("tokyo-open-on-japanese-holiday", WW_TOKYO, "2026-11-23 08:00", 60, "2026-11-23 09:00"),
    ("tokyo-utc-input-at-closing", WW_TOKYO, "2026-11-25 08:00Z", 60, "2026-11-27 09:00"),
    ("paris-closed-on-us-july-4-observed", WW_PARIS, "2026-07-02 16:30", 60, "2026-07-06 08:30"),
    ("paris-open-on-bastille-day", WW_PARIS, "2026-07-14 08:00", 60, "2026-07-14 09:00"),
    ("paris-eu-dst-start-utc-input", WW_PARIS, "2026-03-27 15:00Z", 120, "2026-03-30 07:00Z"),
    ("uk-good-friday-and-easter-monday", UK, "2026-04-02 16:00", 120, "2026-04-07 10:00"),
    ("uk-boxing-day-substitute-28th", UK, "2026-12-24 16:00", 120, "2026-12-29 10:00"),
    ("uk-christmas-boxing-substitutes", UK, "2027-12-24 16:00", 120, "2027-12-29 10:00"),
    ("uk-hours-are-utc-not-bst", UK, "2026-06-01 09:30 Europe/London", 0, "2026-06-01 09:00"),
    ("uk-summer-closes-at-18-bst", UK, "2026-06-01 17:30 Europe/London", 30, "2026-06-01 17:00"),
    ("two-full-weeks", WW, "2026-01-05 08:00", 2 * 5 * 540, "2026-01-16 17:00"),
    ("four-weeks-with-mlk-day", WW, "2026-01-05 08:00", 4 * 5 * 540, "2026-02-02 17:00"),
    ("all-250-working-days-of-2026", WW, "2026-01-02 08:00", 250 * 540, "2026-12-31 17:00"),
    ("sub-second-start-is-exact", WW, "2026-11-25 16:59:59.5", 1, "2026-11-27 08:00:59.5"),
    ("dst-start-day-has-23-hours", ALWAYS, "2027-03-13 12:00", 1440, "2027-03-14 13:00"),
    ("dst-end-day-has-25-hours", ALWAYS, "2027-11-06 12:00", 1440, "2027-11-07 11:00"),
    ("opens-in-skipped-hour", sunday_only("02:30", "04:00"), "2027-03-14 00:00", 0,
     "2027-03-14 03:00"),
]
# fmt: on
ADD_CASES = [
    pytest.param(cal, when(start, cal), minutes, when(end, cal), id=name)
    for name, cal, start, minutes, end in ADD_ROWS
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


def test_answers_are_in_utc_so_they_compare_even_in_a_repeated_hour() -> None:
    """Local 01:00-02:00 happens twice on 2027-11-07; PEP 495 makes such local values unequal."""
    cal = sunday_only("00:00", "05:00")
    deadline = cal.add(at(CHICAGO, 2027, 11, 7, 0), 90)
    assert deadline.tzinfo is UTC
    assert deadline == datetime(2027, 11, 7, 6, 30, tzinfo=UTC)
    assert deadline.astimezone(CHICAGO).fold == 0
    second_time = cal.add(at(CHICAGO, 2027, 11, 7, 0), 150)
    assert second_time == datetime(2027, 11, 7, 7, 30, tzinfo=UTC)
    assert second_time.astimezone(CHICAGO).fold == 1
    assert worldwide("Asia/Tokyo").add(datetime(2026, 11, 25, 0, tzinfo=UTC), 60).tzinfo is UTC


# fmt: off
BETWEEN_ROWS = [
    # id, calendar, start, end, support minutes
    ("empty-interval", WW, "2026-11-23 09:00", "2026-11-23 09:00", 0),
    ("end-before-start", WW, "2026-11-23 10:00", "2026-11-23 09:00", 0),
    ("whole-minutes-only", WW, "2026-11-23 08:00", "2026-11-23 08:01:59", 1),
    ("half-minute-start-floors", WW, "2026-11-23 08:00:30", "2026-11-23 08:02", 1),
    ("weekend-night-counts-nothing", WW, "2026-11-20 18:00", "2026-11-23 07:00", 0),
    ("thanksgiving-week", WW, "2026-11-23 00:00", "2026-11-30 00:00", 4 * 540),
    ("year-2026-working-days", WW, "2026-01-01 00:00Z", "2027-01-01 00:00Z", (261 - 11) * 540),
    ("uk-year-2026-working-days", UK, "2026-01-01 00:00", "2027-01-01 00:00", (261 - 8) * 480),
    ("23-hour-day", ALWAYS, "2027-03-14 00:00", "2027-03-15 00:00", 1380),
    ("25-hour-day", ALWAYS, "2026-11-01 00:00", "2026-11-02 00:00", 1500),
    ("spring-forward-window-is-4h", sunday_only("00:00", "05:00"), "2027-03-14 00:00",
     "2027-03-15 00:00", 240),
    ("fall-back-window-is-6h", sunday_only("00:00", "05:00"), "2027-11-07 00:00",
     "2027-11-08 00:00", 360),
    ("ordinary-sunday-window-is-5h", sunday_only("00:00", "05:00"), "2027-03-07 00:00",
     "2027-03-08 00:00", 300),
    ("window-half-skipped-in-spring", sunday_only("01:30", "02:30"), "2027-03-14 00:00",
     "2027-03-15 00:00", 30),
    ("window-half-repeated-in-autumn", sunday_only("01:30", "02:30"), "2027-11-07 00:00",
     "2027-11-08 00:00", 90),
]
OPEN_ROWS = [
    # id, calendar, instant, open?
    ("at-opening", WW, "2026-11-23 08:00", True),
    ("last-second", WW, "2026-11-23 16:59:59", True),
    ("at-closing", WW, "2026-11-23 17:00", False),
    ("thanksgiving", WW, "2026-11-26 12:00", False),
    ("saturday", WW, "2026-11-28 12:00", False),
    ("utc-input", WW, "2026-11-23 14:00Z", True),
    ("uk-substitute-day", UK, "2026-12-28 12:00", False),
]
NEXT_OPEN_ROWS = [
    # id, calendar, instant, next opening (the instant itself when open)
    ("open", WW, "2026-11-23 09:00", "2026-11-23 09:00"),
    ("before-holiday", WW, "2026-11-25 17:00", "2026-11-27 08:00"),
    ("weekend", WW, "2026-11-28 09:00", "2026-11-30 08:00"),
    ("uk-easter", UK, "2026-04-02 18:00 Europe/London", "2026-04-07 09:00"),
]
# fmt: on


@pytest.mark.parametrize(
    ("calendar", "start", "end", "expected"),
    [pytest.param(c, when(s, c), when(e, c), n, id=name) for name, c, s, e, n in BETWEEN_ROWS],
)
def test_between_counts_support_minutes(
    calendar: SupportCalendar, start: datetime, end: datetime, expected: int
) -> None:
    assert calendar.between(start, end) == expected


@pytest.mark.parametrize(
    ("calendar", "instant", "expected"),
    [pytest.param(c, when(i, c), e, id=name) for name, c, i, e in OPEN_ROWS],
)
def test_is_open(calendar: SupportCalendar, instant: datetime, expected: bool) -> None:
    assert calendar.is_open(instant) is expected


@pytest.mark.parametrize(
    ("calendar", "instant", "expected"),
    [pytest.param(c, when(i, c), when(e, c), id=name) for name, c, i, e in NEXT_OPEN_ROWS],
)
def test_next_open(calendar: SupportCalendar, instant: datetime, expected: datetime) -> None:
    assert calendar.next_open(instant) == expected


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
    rows = uk().explain(
        datetime(2026, 12, 24, 16, tzinfo=UTC), datetime(2026, 12, 29, 10, tzinfo=UTC)
    )
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


@pytest.mark.parametrize("code", ["US", "GB-ENG", "FR", "JP", "GB-SCT", "US-CA", "gb-eng"])
def test_holiday_codes_are_accepted(code: str) -> None:
    assert SupportCalendar(timezone="UTC", holidays=code).holidays == code.upper()


BAD_CALENDARS = [
    pytest.param({"timezone": "Mars/Olympus_Mons"}, "unknown time zone", id="unknown-zone"),
    pytest.param({"timezone": ""}, "time zone", id="empty-zone"),
    pytest.param({"timezone": "UTC", "holidays": "XX"}, "unknown holiday country", id="country"),
    pytest.param({"timezone": "UTC", "holidays": "GB-XYZ"}, "subdivision", id="subdivision"),
    pytest.param({"timezone": "UTC", "holidays": "United States"}, "country code", id="code"),
    pytest.param(
        {"timezone": "UTC", "opens": "17:00", "closes": "08:00"},
        "after opening",
        id="closes-before-opens",
    ),
    pytest.param(
        {"timezone": "UTC", "opens": "08:00", "closes": "08:00"},
        "after opening",
        id="closes-at-opening",
    ),
    pytest.param({"timezone": "UTC", "opens": "8h"}, "HH:MM", id="bad-hhmm"),
    pytest.param({"timezone": "UTC", "closes": "25:00"}, "HH:MM", id="hour-25"),
    pytest.param({"timezone": "UTC", "closes": "24:30"}, "past 24:00", id="past-midnight"),
    pytest.param({"timezone": "UTC", "opens": 8}, "HH:MM", id="hhmm-not-a-string"),
    pytest.param({"timezone": "UTC", "weekdays": [0, 7]}, "weekday", id="weekday-7"),
    pytest.param({"timezone": "UTC", "weekdays": [-1]}, "weekday", id="weekday-negative"),
    pytest.param({"timezone": "UTC", "weekdays": []}, "at least one opening", id="never-open"),
    pytest.param(
        {"timezone": "UTC", "windows": {9: [("08:00", "17:00")]}}, "weekday", id="windows-weekday-9"
    ),
    pytest.param(
        {"timezone": "UTC", "windows": {0: [("08:00", "12:00"), ("11:00", "14:00")]}},
        "overlap",
        id="overlapping-windows",
    ),
    pytest.param(
        {"timezone": "UTC", "windows": {0: ["08:00-12:00"]}}, "pair", id="window-not-pair"
    ),
    pytest.param(
        {"timezone": "UTC", "closures": [("2026-12-24", "Eve")]},
        "closure date",
        id="closure-not-a-date",
    ),
    pytest.param(
        {"timezone": "UTC", "closures": [(date(2026, 12, 24), "")]},
        "reason",
        id="closure-without-reason",
    ),
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
def test_bad_arguments_are_refused(call: Callable[[SupportCalendar], object], message: str) -> None:
    with pytest.raises(BusinessTimeError, match=message):
        call(worldwide())


def test_business_time_error_is_a_value_error() -> None:
    assert issubclass(BusinessTimeError, ValueError)
