"""Holiday names of every calendar, translatable (SLP-6).

The engine names holidays in English, as the `holidays` package does for every country
(sla.businesstime asks for its English localisation), and this turns them into the reader's
language. The catalogue holds every name of every country of contracts.countries, and of the
four parts of the United Kingdom, from 2025 to 2030: `holidays` 0.109 counts 919. Where the
package has French names of its own, the French messages take its wording, made generic
where it named one country's day ("Republic Day" is "Fête de la République" everywhere).

A name that is not in the catalogue (a newer package, a region's own holiday) is shown as
the package gives it. The package's qualifiers ("(observed)", "(estimated)", a day off
moved from another date) are translated around the name.
"""

from __future__ import annotations

import re
from datetime import date

from django.utils import formats
from django.utils.translation import gettext, gettext_noop

from sla.holiday_names import names_a_d, names_e_m, names_n_z

OBSERVED_SUFFIX = " (observed)"

KNOWN_NAMES: tuple[str, ...] = names_a_d.NAMES + names_e_m.NAMES + names_n_z.NAMES

# The `holidays` package's qualifiers, as its English localisations write them after a name.
_QUALIFIERS = {
    OBSERVED_SUFFIX: gettext_noop("%(name)s (observed)"),
    " (estimated)": gettext_noop("%(name)s (estimated)"),
    " (observed, estimated)": gettext_noop("%(name)s (observed, estimated)"),
    " (in lieu)": gettext_noop("%(name)s (in lieu)"),
    " (substitute day)": gettext_noop("%(name)s (substitute day)"),
}
# A working day given off in exchange for another date, which en_US writes month first.
_SUBSTITUTED = re.compile(r"Day off \(substituted from (\d{2})/(\d{2})/(\d{4})\)")


def holiday_name_label(name: str) -> str:
    """Return a holiday's name (several joined by "; ") in the active language."""
    return "; ".join(_one(part) for part in name.split("; "))


def _one(name: str) -> str:
    moved = _SUBSTITUTED.fullmatch(name)
    if moved:
        month, day, year = (int(part) for part in moved.groups())
        try:
            when = formats.date_format(date(year, month, day), "SHORT_DATE_FORMAT")
        except ValueError:  # not a date after all: shown as given
            return name
        return gettext("Day off (substituted from %(date)s)") % {"date": when}
    for suffix, template in _QUALIFIERS.items():
        if name.endswith(suffix):
            return gettext(template) % {"name": _one(name[: -len(suffix)])}
    return gettext(name)
