"""Property tests: the engine agrees with a minute-stepping reference (SLP-6).

The reference knows nothing of the engine's day caches, UTC intervals or week jumps: it walks
real minutes one by one, converts each to the calendar's zone with zoneinfo and asks the
`holidays` package directly, so it is slow but obviously right. Starts are whole minutes in
2026-2028, biased towards the US and EU DST changes, in every zone SLP-6 sites use.
"""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import holidays
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sla.businesstime import SupportCalendar

ZONES = [
    "America/Chicago",
    "America/New_York",
    "America/Los_Angeles",
    "America/Denver",
    "Europe/London",
    "Europe/Paris",
    "Asia/Tokyo",
    "UTC",
]
MINUTE = timedelta(minutes=1)
FIRST = datetime(2026, 1, 1, tzinfo=UTC)
LAST = datetime(2028, 12, 31, tzinfo=UTC)
# US changes at 02:00 local (08:00Z in spring, 07:00Z in autumn for Central); the EU at 01:00Z.
DST_CHANGES = [
    datetime(*day, hour, tzinfo=UTC)
    for day in [
        (2026, 3, 8),
        (2026, 11, 1),
        (2027, 3, 14),
        (2027, 11, 7),
        (2028, 3, 12),
        (2028, 11, 5),
    ]
    for hour in (6, 7, 8, 9, 10)
] + [
    datetime(*day, 1, tzinfo=UTC)
    for day in [
        (2026, 3, 29),
        (2026, 10, 25),
        (2027, 3, 28),
        (2027, 10, 31),
        (2028, 3, 26),
        (2028, 10, 29),
    ]
]
# Windows edges include the small hours so custom calendars straddle the DST switch itself.
EDGES = [0, 30, 60, 90, 120, 150, 180, 240, 300, 420, 480, 540, 720, 780, 1020, 1080, 1320, 1440]

Definition = tuple  # (zone, windows as ((weekday, ((open, close), ...)), ...), holidays, closures)


def hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


@cache
def engine(definition: Definition) -> SupportCalendar:
    zone, windows, code, closures = definition
    return SupportCalendar(
        timezone=zone,
        windows={day: [(hhmm(a), hhmm(b)) for a, b in spans] for day, spans in windows},
        holidays=code,
        closures=closures,
    )


class Reference:
    """Step real minutes one at a time; a minute is open when its local start is."""

    def __init__(self, definition: Definition) -> None:
        zone, windows, code, closures = definition
        self.tz = ZoneInfo(zone)
        self.windows = dict(windows)
        self.code = code
        self.closed = {day for day, _ in closures}

    @cache  # noqa: B019 - a handful of definitions live for the whole session
    def _holiday(self, day: date) -> bool:
        if self.code is None:
            return False
        country, _, subdiv = self.code.partition("-")
        return day in holidays.country_holidays(country, subdiv=subdiv or None, years=day.year)

    def is_open(self, instant: datetime) -> bool:
        local = instant.astimezone(self.tz)
        day = local.date()
        if day in self.closed or self._holiday(day):
            return False
        minute = local.hour * 60 + local.minute
        return any(a <= minute < b for a, b in self.windows.get(local.weekday(), ()))

    def add(self, start: datetime, minutes: int) -> datetime:
        instant, counted = start, 0
        while not self.is_open(instant):
            instant += MINUTE
        while counted < minutes:
            counted += self.is_open(instant)
            instant += MINUTE
        return instant

    def between(self, start: datetime, end: datetime) -> int:
        count, instant = 0, start
        while instant < end:
            count += self.is_open(instant)
            instant += MINUTE
        return count


@cache
def reference(definition: Definition) -> Reference:
    return Reference(definition)


def weekly_minutes(definition: Definition) -> int:
    return sum(b - a for _, spans in definition[1] for a, b in spans)


def standard(zone: str, *, opens: int, closes: int, code: str) -> Definition:
    return (zone, tuple((day, ((opens, closes),)) for day in range(5)), code, ())


@st.composite
def custom_windows(draw: st.DrawFn) -> tuple:
    days = []
    for day in range(7):
        edges = draw(st.lists(st.sampled_from(EDGES), min_size=0, max_size=4, unique=True))
        edges = sorted(edges)[: len(edges) // 2 * 2]
        if edges:
            days.append((day, tuple(zip(edges[::2], edges[1::2], strict=True))))
    if sum(b - a for _, spans in days for a, b in spans) < 600:
        days.append((2, ((480, 1080),)))
    return tuple(days)


closures = st.lists(
    st.dates(min_value=date(2026, 1, 1), max_value=date(2028, 12, 31)), max_size=3, unique=True
).map(lambda days: tuple((day, "shutdown") for day in sorted(days)))

definitions = st.one_of(
    st.sampled_from(ZONES).map(lambda zone: standard(zone, opens=480, closes=1020, code="US")),
    st.just(standard("UTC", opens=540, closes=1020, code="GB-ENG")),
    st.tuples(
        st.sampled_from(ZONES),
        custom_windows(),
        st.sampled_from([None, "US", "GB-ENG", "FR", "JP"]),
        closures,
    ),
)

starts = st.one_of(
    st.integers(0, int((LAST - FIRST).total_seconds()) // 60).map(lambda m: FIRST + m * MINUTE),
    st.builds(
        lambda change, shift: change + shift * MINUTE,
        st.sampled_from(DST_CHANGES),
        st.integers(-3 * 1440, 3 * 1440),
    ),
)
in_any_zone = st.sampled_from(ZONES).map(ZoneInfo)
targets = st.one_of(st.sampled_from([0, 1, 59, 60, 150, 480, 540]), st.integers(0, 1200))
# Sized so the whole file runs in well under 20 s; the reference walks every minute.
SLOW = settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FAST = settings(max_examples=800, deadline=None)


@SLOW
@given(definition=definitions, start=starts, minutes=targets, zone=in_any_zone)
def test_add_agrees_with_the_reference(
    definition: Definition, start: datetime, minutes: int, zone: ZoneInfo
) -> None:
    minutes = min(minutes, weekly_minutes(definition))
    expected = reference(definition).add(start, minutes)
    assert engine(definition).add(start.astimezone(zone), minutes) == expected


@SLOW
@given(definition=definitions, start=starts, span=st.integers(0, 3 * 1440), zone=in_any_zone)
def test_between_agrees_with_the_reference(
    definition: Definition, start: datetime, span: int, zone: ZoneInfo
) -> None:
    end = start + span * MINUTE
    expected = reference(definition).between(start, end)
    assert engine(definition).between(start.astimezone(zone), end) == expected


@SLOW
@given(definition=definitions, start=starts, shift=st.integers(0, 59))
def test_is_open_and_next_open_agree_with_the_reference(
    definition: Definition, start: datetime, shift: int
) -> None:
    instant = start + timedelta(seconds=shift)
    cal, ref = engine(definition), reference(definition)
    assert cal.is_open(instant) == ref.is_open(instant)
    assert cal.next_open(instant) == (instant if ref.is_open(instant) else ref.add(start, 0))


@FAST
@given(
    definition=definitions,
    start=starts,
    jitter=st.integers(0, 59_999_999),
    minutes=st.integers(0, 60_000),
)
def test_between_counts_back_what_add_added(
    definition: Definition, start: datetime, jitter: int, minutes: int
) -> None:
    start += timedelta(microseconds=jitter)
    cal = engine(definition)
    assert cal.between(start, cal.add(start, minutes)) == minutes


@FAST
@given(
    definition=definitions, start=starts, first=st.integers(0, 5000), second=st.integers(0, 5000)
)
def test_add_is_monotonic_and_composes(
    definition: Definition, start: datetime, first: int, second: int
) -> None:
    cal = engine(definition)
    low, high = sorted((first, second))
    assert cal.add(start, low) <= cal.add(start, high)
    if second:
        assert cal.add(cal.add(start, first), second) == cal.add(start, first + second)


@FAST
@given(definition=definitions, start=starts, spans=st.tuples(*[st.integers(0, 20_000)] * 2))
def test_between_is_additive(
    definition: Definition, start: datetime, spans: tuple[int, int]
) -> None:
    cal = engine(definition)
    middle = start + spans[0] * MINUTE
    end = middle + spans[1] * MINUTE
    assert cal.between(start, middle) + cal.between(middle, end) == cal.between(start, end)


@FAST
@given(definition=definitions, start=starts, span=st.integers(0, 30 * 1440))
def test_explain_adds_up_to_between(definition: Definition, start: datetime, span: int) -> None:
    cal = engine(definition)
    end = start + span * MINUTE
    rows = cal.explain(start, end)
    assert sum(row.minutes for row in rows) == cal.between(start, end)
    assert all(row.minutes == 0 for row in rows if row.closed_reason)
    if rows:
        assert rows[0].date == start.astimezone(cal.tz).date()
        assert rows[-1].date == end.astimezone(cal.tz).date()
        assert [b.date - a.date for a, b in itertools.pairwise(rows)] == [timedelta(days=1)] * (
            len(rows) - 1
        )
