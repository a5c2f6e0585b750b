"""Support calendars: count support minutes between instants and find deadlines (SLP-6)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo
from functools import lru_cache
from math import floor
from numbers import Integral
from typing import Any

from sla.businesstime._config import (
    DAY_NAMES,
    BusinessTimeError,
    Windows,
    format_hhmm,
    holidays_for,
    parse_closures,
    parse_holiday_code,
    parse_timezone,
    parse_windows,
)
from sla.businesstime._zones import offset_at, wall_preimage

_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
_US = 1_000_000
_MINUTE_US = 60 * _US
# Past this many cached days a calendar starts afresh, so odd far-off queries cannot grow it.
_CACHE_DAYS = 50_000

Day = tuple[int, tuple[tuple[int, int], ...], str | None]
"""Open seconds, open UTC (start, end) epoch-second intervals, closed reason."""
Week = tuple[int, int, int]
"""Open seconds, first opening and last closing (epoch seconds) of a Monday-based week."""


@dataclass(frozen=True, slots=True)
class DayExplanation:
    """One local day of an explanation: what counted, or why nothing could."""

    date: date  # the calendar's local date
    minutes: int  # whole support minutes counted that day within [start, end)
    closed_reason: str | None  # "weekend", "holiday: <name>", "closure: <reason>"; None if open
    windows: tuple[tuple[datetime, datetime], ...]  # counted (start, end) spans, in UTC


@lru_cache(maxsize=256)
def _shared_caches(key: tuple[Any, ...]) -> tuple[dict[int, Day], dict[int, Week]]:
    """Return the day and week caches shared by every calendar with the same definition."""
    return {}, {}


def _split(instant: datetime, *, name: str) -> tuple[int, int]:
    """Return (epoch second, microsecond) of an aware datetime, rejecting anything else."""
    try:
        offset = instant.utcoffset()
    except (AttributeError, TypeError):
        raise BusinessTimeError(f"{name} must be an aware datetime, not {instant!r}") from None
    if offset is None:
        raise BusinessTimeError(
            f"{name} {instant!r} is naive: give it a time zone (tzinfo), business time needs one"
        )
    return floor(instant.timestamp()), instant.microsecond


def _check_minutes(minutes: Any) -> int:
    """Return `minutes` as an int, rejecting bools, fractions and negatives."""
    if isinstance(minutes, bool) or not isinstance(minutes, Integral):
        raise BusinessTimeError(f"minutes must be a whole number (int), not {minutes!r}")
    if minutes < 0:
        raise BusinessTimeError(f"minutes must not be negative, got {minutes}")
    return int(minutes)


class SupportCalendar:
    """Opening windows in a time zone, minus holidays and closures (SLP-6).

    Open time is the half-open local interval [opens, closes) of each window on open days.
    Instants come back in UTC: inside a fall-back hour, `==` between a local and a UTC datetime
    is always False (PEP 495), so UTC keeps results comparable; show them with
    `.astimezone(calendar.tz)`. Work grows with the days spanned, never with the minutes.
    """

    def __init__(
        self,
        timezone: str | tzinfo,
        *,
        opens: str = "08:00",
        closes: str = "17:00",
        weekdays: Iterable[int] = range(5),
        holidays: str | None = None,
        windows: Mapping[int, Iterable[tuple[str, str]]] | None = None,
        closures: Iterable[tuple[date, str]] | Mapping[date, str] = (),
    ) -> None:
        self.tz = parse_timezone(timezone)
        self._windows: Windows = parse_windows(
            opens=opens, closes=closes, weekdays=weekdays, windows=windows
        )
        self._holiday_source = parse_holiday_code(holidays)
        self.holidays = (
            "-".join(filter(None, self._holiday_source)) if self._holiday_source else None
        )
        self._closures = dict(parse_closures(closures))
        self._key = (self.tz, self._windows, self._holiday_source, tuple(self._closures.items()))
        self._days, self._weeks = _shared_caches(self._key)
        # Any offset of the zone works as a guess: lookups start a day early to absorb the error.
        self._guess = offset_at(self.tz, int(datetime(2026, 1, 1, tzinfo=UTC).timestamp()))

    @property
    def windows(self) -> dict[int, tuple[tuple[str, str], ...]]:
        """Return the opening windows per weekday (0=Mon) as ("HH:MM", "HH:MM") pairs."""
        return {
            day: tuple((format_hhmm(a), format_hhmm(b)) for a, b in spans)
            for day, spans in enumerate(self._windows)
            if spans
        }

    @property
    def closures(self) -> dict[date, str]:
        """Return the extra closed local dates and their reasons."""
        return dict(self._closures)

    def describe(self) -> str:
        """Return a one-line human description, e.g. for an SLA explanation page."""
        groups: list[tuple[list[int], tuple[tuple[int, int], ...]]] = []
        for day, spans in enumerate(self._windows):
            if spans and groups and groups[-1][1] == spans and groups[-1][0][-1] == day - 1:
                groups[-1][0].append(day)
            elif spans:
                groups.append(([day], spans))
        parts = []
        for days, spans in groups:
            label = DAY_NAMES[days[0]] + (f"-{DAY_NAMES[days[-1]]}" if len(days) > 1 else "")
            hours = ", ".join(f"{format_hhmm(a)}-{format_hhmm(b)}" for a, b in spans)
            parts.append(f"{label} {hours}")
        text = f"{'; '.join(parts)} ({getattr(self.tz, 'key', self.tz)})"
        if self.holidays:
            text += f", closed on {self.holidays} public holidays"
        if self._closures:
            text += f", {len(self._closures)} extra closure(s)"
        return text

    def __repr__(self) -> str:
        return f"<SupportCalendar {self.describe()}>"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SupportCalendar) and self._key == other._key

    def __hash__(self) -> int:
        return hash(self._key)

    def closed_reason(self, day: date) -> str | None:
        """Return why local date `day` is closed all day, or None when it has opening hours."""
        weekday = day.weekday()
        if not self._windows[weekday]:
            return "weekend" if weekday >= 5 else f"no support hours on {DAY_NAMES[weekday]}"
        if day in self._closures:
            return f"closure: {self._closures[day]}"
        if self._holiday_source is not None:
            name = holidays_for(*self._holiday_source, day.year).get(day)
            if name is not None:
                return f"holiday: {name}"
        return None

    def _day(self, k: int) -> Day:
        """Compute and cache local day `k` (days since 1970-01-01) as UTC intervals."""
        if len(self._days) > _CACHE_DAYS:
            self._days.clear()
            self._weeks.clear()
        local = date.fromordinal(_EPOCH_ORDINAL + k)
        reason = self.closed_reason(local)
        pieces: list[tuple[int, int]] = []
        if reason is None:
            base = k * 86400
            for opens, closes in self._windows[local.weekday()]:
                for low, high in wall_preimage(self.tz, base + opens * 60, base + closes * 60):
                    # Touching windows (12:00-13:00 then 13:00-14:00) count as one stretch.
                    if pieces and pieces[-1][1] >= low:
                        pieces[-1] = (pieces[-1][0], max(high, pieces[-1][1]))
                    else:
                        pieces.append((low, high))
        info = (sum(high - low for low, high in pieces), tuple(pieces), reason)
        self._days[k] = info
        return info

    def _week(self, k: int) -> Week:
        """Compute and cache the Monday-based week starting on local day `k`."""
        days = [self._days.get(j) or self._day(j) for j in range(k, k + 7)]
        spans = [span for day in days for span in day[1]]
        info = (
            sum(day[0] for day in days),
            spans[0][0] if spans else 0,
            spans[-1][1] if spans else 0,
        )
        self._weeks[k] = info
        return info

    def _locate(self, ts: int) -> tuple[int, tuple[tuple[int, int], ...], int]:
        """Return (day, its intervals, index) of the first interval ending after `ts`.

        Walking day by day relies on local dates never running backwards in real time, true of
        every zone whose clocks change away from midnight (all the zones SLP-6 sites use).
        """
        days = self._days
        k = (ts + self._guess) // 86400 - 1
        while True:
            spans = (days.get(k) or self._day(k))[1]
            if spans and spans[-1][1] > ts:
                break
            k += 1
        i = 0
        while spans[i][1] <= ts:
            i += 1
        return k, spans, i

    @staticmethod
    def _instant(ts: int, microsecond: int = 0) -> datetime:
        """Return epoch second `ts` (plus microseconds) as a UTC datetime."""
        instant = datetime.fromtimestamp(ts, UTC)
        return instant.replace(microsecond=microsecond) if microsecond else instant

    def is_open(self, instant: datetime) -> bool:
        """Return True when `instant` lies inside open time."""
        ts, _ = _split(instant, name="instant")
        _, spans, i = self._locate(ts)
        return spans[i][0] <= ts

    def next_open(self, instant: datetime) -> datetime:
        """Return `instant` when open, else the next opening."""
        ts, _ = _split(instant, name="instant")
        _, spans, i = self._locate(ts)
        if spans[i][0] <= ts:
            return instant.astimezone(UTC)
        return self._instant(spans[i][0])

    def add(self, start: datetime, minutes: int) -> datetime:
        """Return the instant when `minutes` support minutes have elapsed after `start`.

        A start outside open time counts from the next opening; a deadline that falls exactly
        on a closing is that closing instant.
        """
        if type(minutes) is not int or minutes < 0:
            minutes = _check_minutes(minutes)
        ts, microsecond = _split(start, name="start")
        k, spans, i = self._locate(ts)
        need = minutes * 60
        low, high = spans[i]
        frac = 0
        if low <= ts:
            # Open start: the first stretch holds (high - ts) seconds minus the microseconds.
            rem = need - (high - ts)
            if rem < 0 or (rem == 0 and not microsecond):
                return self._instant(ts + need, microsecond)
            frac = microsecond
            i += 1
        else:
            rem = need
        # `rem` seconds plus `frac` microseconds are still to count, from interval i of day k.
        for low, high in spans[i:]:
            length = high - low
            if rem < length or (rem == length and not frac):
                return self._instant(low + rem, frac)
            rem -= length
        return self._add_from_day(k + 1, rem, frac)

    def _add_from_day(self, k: int, rem: int, frac: int) -> datetime:
        """Count `rem` seconds and `frac` microseconds from the start of local day `k`."""
        days, weeks = self._days, self._weeks
        while True:
            if (k + 3) % 7 == 0:  # 1970-01-01 was a Thursday, so this is a Monday.
                total = (weeks.get(k) or self._week(k))[0]
                if rem > total or (rem == total and (frac or not total)):
                    rem -= total
                    k += 7
                    continue
            total, spans, _ = days.get(k) or self._day(k)
            if rem > total or (rem == total and (frac or not total)):
                rem -= total
                k += 1
                continue
            for low, high in spans:
                length = high - low
                if rem < length or (rem == length and not frac):
                    return self._instant(low + rem, frac)
                rem -= length

    def between(self, start: datetime, end: datetime) -> int:
        """Return the whole support minutes elapsed from `start` to `end` (0 if end <= start)."""
        s_ts, s_us = _split(start, name="start")
        e_ts, e_us = _split(end, name="end")
        lo, hi = s_ts * _US + s_us, e_ts * _US + e_us
        if hi <= lo:
            return 0
        days, weeks = self._days, self._weeks
        k = (s_ts + self._guess) // 86400 - 1
        last = (e_ts + self._guess) // 86400 + 1
        elapsed = 0
        while k <= last:
            if (k + 3) % 7 == 0 and k + 6 <= last:
                total, first, final = weeks.get(k) or self._week(k)
                if not total or (first * _US >= lo and final * _US <= hi):
                    elapsed += total * _US
                    k += 7
                    continue
            total, spans, _ = days.get(k) or self._day(k)
            if total:
                if spans[0][0] * _US >= lo and spans[-1][1] * _US <= hi:
                    elapsed += total * _US
                else:
                    elapsed += self._overlap(spans, lo, hi)
            k += 1
        return elapsed // _MINUTE_US

    @staticmethod
    def _overlap(spans: Iterable[tuple[int, int]], lo: int, hi: int) -> int:
        """Return the microseconds of `spans` (epoch seconds) inside [lo, hi) (microseconds)."""
        counted = 0
        for low, high in spans:
            overlap = min(high * _US, hi) - max(low * _US, lo)
            if overlap > 0:
                counted += overlap
        return counted

    def explain(self, start: datetime, end: datetime) -> list[DayExplanation]:
        """Return, for every local day from start's to end's, the support time counted."""
        s_ts, s_us = _split(start, name="start")
        e_ts, e_us = _split(end, name="end")
        lo, hi = s_ts * _US + s_us, e_ts * _US + e_us
        if hi <= lo:
            return []
        first = start.astimezone(self.tz).date().toordinal() - _EPOCH_ORDINAL
        last = end.astimezone(self.tz).date().toordinal() - _EPOCH_ORDINAL
        rows = []
        for k in range(first, last + 1):
            _, spans, reason = self._days.get(k) or self._day(k)
            counted = []
            for low, high in spans:
                a, b = max(low * _US, lo), min(high * _US, hi)
                if a < b:
                    counted.append((self._instant(*divmod(a, _US)), self._instant(*divmod(b, _US))))
            rows.append(
                DayExplanation(
                    date=date.fromordinal(_EPOCH_ORDINAL + k),
                    minutes=self._overlap(spans, lo, hi) // _MINUTE_US,
                    closed_reason=reason,
                    windows=tuple(counted),
                )
            )
        return rows
