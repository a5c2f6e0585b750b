"""A support calendar's rules in one line, in the reader's language (SLP-6).

The engine's own ``SupportCalendar.describe()`` stays English: the engine is pure Python and
knows no translation. This builds the same sentence from the engine's data with gettext.
"""

from __future__ import annotations

from django.utils.dates import WEEKDAYS_ABBR
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from sla.businesstime import SupportCalendar

Spans = tuple[tuple[str, str], ...]


def _day_groups(windows: dict[int, Spans]) -> list[tuple[list[int], Spans]]:
    """Group consecutive weekdays (0=Mon) that share the same opening windows."""
    groups: list[tuple[list[int], Spans]] = []
    for day in sorted(windows):
        spans = windows[day]
        if groups and groups[-1][1] == spans and groups[-1][0][-1] == day - 1:
            groups[-1][0].append(day)
        else:
            groups.append(([day], spans))
    return groups


def _days_label(days: list[int]) -> str:
    first = str(WEEKDAYS_ABBR[days[0]])
    return first if len(days) == 1 else f"{first}-{WEEKDAYS_ABBR[days[-1]]}"


def calendar_description(engine: SupportCalendar) -> str:
    """Return e.g. "Mon-Fri 08:00-17:00 (America/Chicago), closed on US public holidays"."""
    hours = "; ".join(
        f"{_days_label(days)} {', '.join(f'{opens}-{closes}' for opens, closes in spans)}"
        for days, spans in _day_groups(engine.windows)
    )
    zone = getattr(engine.tz, "key", None) or str(engine.tz)
    text = f"{hours} ({zone})"
    if engine.holidays:
        text += _(", closed on %(code)s public holidays") % {"code": engine.holidays}
    count = len(engine.closures)
    if count:
        text += ngettext(", %(count)d extra closure", ", %(count)d extra closures", count) % {
            "count": count
        }
    return text
