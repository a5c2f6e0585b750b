"""Holiday names of the default calendars read in the user's language (SLP-6)."""

from __future__ import annotations

import holidays
import pytest
from django.utils import translation

from sla.holiday_names import KNOWN_NAMES, OBSERVED_SUFFIX, holiday_name_label
from sla.services.calendars import closed_reason_label


def _default_calendar_names() -> set[str]:
    names = set()
    for country, subdivision in (("US", None), ("GB", "ENG")):
        table = holidays.country_holidays(country, subdiv=subdivision, years=range(2025, 2031))
        for joined in table.values():
            names.update(part.removesuffix(OBSERVED_SUFFIX) for part in joined.split("; "))
    return names


def test_every_holiday_of_the_default_calendars_has_a_translatable_name():
    assert _default_calendar_names() <= set(KNOWN_NAMES)


# Names that French writes the same way (a proper name) are listed here on purpose.
SAME_IN_FRENCH = {"Columbus Day"}


@pytest.mark.parametrize("name", sorted(_default_calendar_names() - SAME_IN_FRENCH))
def test_every_holiday_of_the_default_calendars_reads_in_french(name):
    with translation.override("fr"):
        assert holiday_name_label(name) != name


def test_observed_days_and_shared_days_read_in_french():
    with translation.override("fr"):
        assert holiday_name_label("Thanksgiving Day") == "Thanksgiving"
        assert holiday_name_label("Christmas Day (observed)") == "Noël (jour férié reporté)"
        assert closed_reason_label("holiday: Boxing Day") == "Jour férié : Lendemain de Noël"


def test_an_unknown_holiday_keeps_the_packages_name():
    with translation.override("fr"):
        assert holiday_name_label("Fête nationale") == "Fête nationale"
