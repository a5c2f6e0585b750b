"""Parse and validate calendar definitions into plain, hashable values."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime, tzinfo
from functools import cache, lru_cache
from numbers import Integral
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays as holidays_lib

DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

Windows = tuple[tuple[tuple[int, int], ...], ...]
"""Per weekday (0=Mon), sorted (open, close) minutes after local midnight."""

_HHMM = re.compile(r"([01]?\d|2[0-4]):([0-5]\d)")
_HOLIDAY_CODE = re.compile(r"([A-Za-z]{2})(?:-([A-Za-z0-9]{1,3}))?")


class BusinessTimeError(ValueError):
    """A calendar definition or an argument that business-time maths cannot accept."""


def parse_timezone(value: str | tzinfo) -> tzinfo:
    """Return the tzinfo named by an IANA key, or `value` itself when already a tzinfo."""
    if isinstance(value, tzinfo):
        return value
    if not isinstance(value, str) or not value:
        raise BusinessTimeError(
            f"time zone must be an IANA name such as 'Europe/Paris', not {value!r}"
        )
    try:
        return ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise BusinessTimeError(f"unknown time zone {value!r}") from exc


def parse_hhmm(value: Any, *, what: str) -> int:
    """Return minutes after midnight for an "HH:MM" string; "24:00" means end of day."""
    match = _HHMM.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        raise BusinessTimeError(f'{what} must be an "HH:MM" time, not {value!r}')
    minutes = int(match[1]) * 60 + int(match[2])
    if minutes > 24 * 60:
        raise BusinessTimeError(f"{what} {value!r} is past 24:00")
    return minutes


def format_hhmm(minutes: int) -> str:
    """Return the "HH:MM" form of minutes after midnight."""
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def parse_weekday(value: Any) -> int:
    """Return a weekday number 0 (Monday) .. 6 (Sunday), or raise."""
    if isinstance(value, bool) or not isinstance(value, Integral) or not 0 <= value <= 6:
        raise BusinessTimeError(
            f"weekday must be an int from 0 (Monday) to 6 (Sunday), not {value!r}"
        )
    return int(value)


def _parse_day(weekday: int, pairs: Iterable[Any]) -> tuple[tuple[int, int], ...]:
    """Validate one weekday's windows: each opens before it closes, none overlap."""
    parsed = []
    for pair in pairs:
        if isinstance(pair, str) or not isinstance(pair, Iterable) or len(pair := tuple(pair)) != 2:
            raise BusinessTimeError(f'a window must be an ("HH:MM", "HH:MM") pair, not {pair!r}')
        opens = parse_hhmm(pair[0], what=f"{DAY_NAMES[weekday]} opening")
        closes = parse_hhmm(pair[1], what=f"{DAY_NAMES[weekday]} closing")
        if opens == 24 * 60 or closes <= opens:
            raise BusinessTimeError(
                f"{DAY_NAMES[weekday]} closing {pair[1]} must be after opening {pair[0]}"
            )
        parsed.append((opens, closes))
    parsed.sort()
    for (_, prev_close), (opens, _) in itertools.pairwise(parsed):
        if opens < prev_close:
            raise BusinessTimeError(
                f"{DAY_NAMES[weekday]} windows overlap: one closes at {format_hhmm(prev_close)}"
                f" after the next opens at {format_hhmm(opens)}"
            )
    return tuple(parsed)


def parse_windows(
    *,
    opens: str,
    closes: str,
    weekdays: Iterable[int],
    windows: Mapping[int, Iterable[tuple[str, str]]] | None,
) -> Windows:
    """Return per-weekday windows from `windows`, or else from opens/closes/weekdays."""
    if windows is None:
        days = {parse_weekday(day) for day in weekdays}
        spec: dict[int, Iterable[Any]] = {day: [(opens, closes)] for day in days}
    elif isinstance(windows, Mapping):
        spec = {parse_weekday(day): pairs for day, pairs in windows.items()}
    else:
        raise BusinessTimeError("windows must map a weekday (0=Mon..6=Sun) to a list of pairs")
    parsed = tuple(_parse_day(day, spec.get(day, ())) for day in range(7))
    if not any(parsed):
        raise BusinessTimeError("a calendar needs at least one opening window in the week")
    return parsed


def parse_closures(
    closures: Iterable[tuple[date, str]] | Mapping[date, str],
) -> tuple[tuple[date, str], ...]:
    """Return extra closed local dates as sorted (date, reason) pairs."""
    items = closures.items() if isinstance(closures, Mapping) else closures
    parsed: dict[date, str] = {}
    for item in items:
        if isinstance(item, str) or not isinstance(item, Iterable) or len(item := tuple(item)) != 2:
            raise BusinessTimeError(f"a closure must be a (date, reason) pair, not {item!r}")
        day, reason = item
        if isinstance(day, datetime) or not isinstance(day, date):
            raise BusinessTimeError(f"a closure date must be a date, not {day!r}")
        if not isinstance(reason, str) or not reason.strip():
            raise BusinessTimeError(f"closure on {day} needs a reason")
        parsed[day] = reason.strip()
    return tuple(sorted(parsed.items()))


def parse_holiday_code(code: str | None) -> tuple[str, str | None] | None:
    """Return (country, subdivision) for a code such as "US" or "GB-ENG", checked."""
    if code is None:
        return None
    match = _HOLIDAY_CODE.fullmatch(code) if isinstance(code, str) else None
    if match is None:
        raise BusinessTimeError(
            f'holidays must be a country code such as "US" or "GB-ENG", not {code!r}'
        )
    country, subdiv = match[1].upper(), match[2].upper() if match[2] else None
    try:
        holidays_lib.country_holidays(country, subdiv=subdiv)
    except NotImplementedError as exc:
        if subdiv is None:
            raise BusinessTimeError(f"unknown holiday country {country!r}") from exc
        raise BusinessTimeError(
            f"unknown holiday code {code!r}: no country {country!r} with subdivision {subdiv!r}"
        ) from exc
    return country, subdiv


@cache
def holiday_language(country: str) -> str | None:
    """Return the English localisation `holidays` has for a country (its default if none).

    Left to itself the package names a country's holidays in that country's language (or in
    the language of the server's locale); the engine always names them in English, which
    sla.holiday_names translates for the reader.
    """
    table = holidays_lib.country_holidays(country)
    for language in ("en_US", "en_GB"):
        if language in table.supported_languages:
            return language
    return table.default_language


@lru_cache(maxsize=512)
def holidays_for(country: str, subdiv: str | None, year: int) -> dict[date, str]:
    """Return the observed public holidays of one year, by local date, named in English."""
    table = holidays_lib.country_holidays(
        country, subdiv=subdiv, years=year, observed=True, language=holiday_language(country)
    )
    return {day: name for day, name in table.items() if day.year == year}
