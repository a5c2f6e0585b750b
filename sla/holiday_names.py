"""Names of the default calendars' holidays, translatable.

The `holidays` package names US federal and England bank holidays in English only; these
msgids let the French interface name them too. An unknown name is shown as the package
gives it.
"""

from __future__ import annotations

from django.utils.translation import gettext, gettext_noop

OBSERVED_SUFFIX = " (observed)"

KNOWN_NAMES = (
    gettext_noop("New Year's Day"),
    gettext_noop("Martin Luther King Jr. Day"),
    gettext_noop("Washington's Birthday"),
    gettext_noop("Memorial Day"),
    gettext_noop("Juneteenth National Independence Day"),
    gettext_noop("Independence Day"),
    gettext_noop("Labor Day"),
    gettext_noop("Columbus Day"),
    gettext_noop("Veterans Day"),
    gettext_noop("Thanksgiving Day"),
    gettext_noop("Christmas Day"),
    gettext_noop("Good Friday"),
    gettext_noop("Easter Monday"),
    gettext_noop("May Day"),
    gettext_noop("Spring Bank Holiday"),
    gettext_noop("Late Summer Bank Holiday"),
    gettext_noop("Boxing Day"),
)


def holiday_name_label(name: str) -> str:
    """Return a holiday's name (several joined by "; ") in the active language."""
    return "; ".join(_one(part) for part in name.split("; "))


def _one(name: str) -> str:
    if name.endswith(OBSERVED_SUFFIX):
        return gettext("%(name)s (observed)") % {"name": gettext(name[: -len(OBSERVED_SUFFIX)])}
    return gettext(name)
