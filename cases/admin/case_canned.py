"""Canned replies on the case page: their placeholders, filled for one case.

The text is a supervisor's, not code: placeholders are replaced by a plain pattern, never by
str.format (which would read attributes and items, and raise on a stray brace). A name we do
not know, or a value the case does not have (no due instant), is left as written, so the
agent sees it before sending.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from zoneinfo import ZoneInfo

from cases.models import Case

PLACEHOLDERS = ("case_number", "case_title", "contact_name", "due_at")
_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


def placeholders_unknown(body: str) -> list[str]:
    """Return the {names} in the text that are no placeholder, in order, each once."""
    names = dict.fromkeys(m[1] for m in _PLACEHOLDER.finditer(body))
    return [name for name in names if name not in PLACEHOLDERS]


def canned_fill(body: str, values: Mapping[str, str]) -> str:
    """Return the text with each known placeholder replaced; the others are left as written."""
    return _PLACEHOLDER.sub(lambda m: values.get(m[1]) or m[0], body)


def canned_values(case: Case) -> dict[str, str]:
    """Return the placeholder values of a case; the due instant in the site's time zone."""
    person = case.contact or case.reporter
    values = {
        "case_number": case.number or "",
        "case_title": case.title,
        "contact_name": person.full_name or person.email,
        "due_at": "",
    }
    if case.queue_due_at is not None:
        local = case.queue_due_at.astimezone(ZoneInfo(case.site.time_zone))
        values["due_at"] = f"{local:%Y-%m-%d %H:%M %Z}"
    return values
