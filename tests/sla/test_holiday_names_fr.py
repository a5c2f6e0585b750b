"""Every calendar's holiday names read in the reader's language, whatever the country (SLP-6)."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import translation

from contracts.countries import COUNTRIES
from sla.businesstime import SupportCalendar
from sla.businesstime._config import holidays_for
from sla.holiday_names import KNOWN_NAMES, holiday_name_label
from sla.services.calendars import closed_reason_label

# Every country a site can be in, and the four parts of the United Kingdom (the default UK
# calendar uses England and Wales).
HOLIDAY_SOURCES = [(country, None) for country in sorted(COUNTRIES)] + [
    ("GB", part) for part in ("ENG", "NIR", "SCT", "WLS")
]
SOURCE_IDS = [country if part is None else f"{country}-{part}" for country, part in HOLIDAY_SOURCES]
QUALIFIERS = (
    " (observed, estimated)",
    " (observed)",
    " (estimated)",
    " (in lieu)",
    " (substitute day)",
)

# Names French writes as English does: festivals and days known by their own name.
SAME_IN_FRENCH = {
    "Bhai Tika", "Bijaya Dashami", "Chhath Parva", "Chuseok", "Columbus Day", "Daeboreum",
    "Diwali", "Dussehra", "Duwadashi (Dashain)", "Ekadashi (Dashain)", "Fagu Poornima",
    "Fulpati", "Gai Tihar", "Ganesh Chaturthi", "Ghatasthapana", "Holi", "Janai Poornima",
    "Jumu'atul-Wida", "Losar", "Maghe Sankranti", "Maha Ashtami", "Maha Navami",
    "Maha Shivaratri", "Makha Bucha", "Matariki", "Matāri'i", "Prithvi Jayanti", "Ram Navami",
    "Tasua", "Thaipusam", "Ugadi", "Visakha Bucha", "Youm-e-Takbeer",
}  # fmt: skip


def _base(name: str) -> str:
    """Return a name without the package's qualifiers."""
    stripped = True
    while stripped:
        stripped = False
        for qualifier in QUALIFIERS:
            if name.endswith(qualifier):
                name, stripped = name[: -len(qualifier)], True
    return name


def _names(country: str, part: str | None, years: range) -> set[str]:
    """Return the engine's holiday names of these years, qualifiers and moved days left out."""
    names = set()
    for year in years:
        for joined in holidays_for(country, part, year).values():
            names.update(
                _base(name) for name in joined.split("; ") if not name.startswith("Day off (")
            )
    return names


@pytest.mark.parametrize(("country", "part"), HOLIDAY_SOURCES, ids=SOURCE_IDS)
def test_every_holiday_name_from_2025_to_2030_is_in_the_catalogue(country, part):
    assert _names(country, part, range(2025, 2031)) - set(KNOWN_NAMES) == set()


def test_the_catalogue_names_each_holiday_once():
    assert len(KNOWN_NAMES) == len(set(KNOWN_NAMES))


# Needs the project's French messages compiled (locale/fr/LC_MESSAGES/django.mo).
@pytest.mark.parametrize(("country", "part"), HOLIDAY_SOURCES, ids=SOURCE_IDS)
def test_every_holiday_name_of_2026_and_2027_reads_in_french(country, part):
    with translation.override("fr"):
        untranslated = {
            name
            for name in _names(country, part, range(2026, 2028))
            if holiday_name_label(name) == name and name not in SAME_IN_FRENCH
        }

    assert untranslated == set()


def test_names_the_same_in_french_are_in_the_catalogue():
    assert set(KNOWN_NAMES) >= SAME_IN_FRENCH


@pytest.mark.parametrize(
    ("holidays", "day", "english"),
    [
        ("FR", date(2026, 7, 14), "National Day"),
        ("JP", date(2026, 1, 12), "Coming of Age Day"),
        ("DE", date(2025, 10, 3), "German Unity Day"),
        ("CN", date(2026, 10, 1), "National Day"),
    ],
)
def test_the_engine_names_every_countrys_holidays_in_english(holidays, day, english):
    # By default the package names French holidays in French and Japanese ones in Japanese.
    assert SupportCalendar("UTC", holidays=holidays).closed_reason(day) == f"holiday: {english}"


@pytest.mark.parametrize("variable", ["LANGUAGE", "LC_ALL", "LANG"])
def test_the_engines_holiday_names_ignore_the_servers_locale(monkeypatch, variable):
    # Left to itself the package would name them in the language of the process's locale.
    monkeypatch.setenv(variable, "fr_FR.UTF-8")
    holidays_for.cache_clear()
    try:
        assert holidays_for("FR", None, 2026)[date(2026, 7, 14)] == "National Day"
        assert holidays_for("US", None, 2026)[date(2026, 7, 3)] == "Independence Day (observed)"
    finally:
        holidays_for.cache_clear()


def test_a_french_calendars_holiday_reads_in_each_language():
    reason = SupportCalendar("Europe/Paris", holidays="FR").closed_reason(date(2026, 7, 14))

    with translation.override("en"):
        assert closed_reason_label(reason) == "Holiday: National Day"
    with translation.override("fr"):
        assert closed_reason_label(reason) == "Jour férié : Fête nationale"


def test_the_packages_qualifiers_read_in_french():
    with translation.override("fr"):
        assert holiday_name_label("Eid al-Fitr (estimated)") == "Aïd el-Fitr (date estimée)"
        assert (
            holiday_name_label("Eid al-Adha (observed, estimated)")
            == "Aïd al-Adha (jour férié reporté, date estimée)"
        )
        assert holiday_name_label("Chinese New Year (in lieu)") == (
            "Nouvel An chinois (jour de remplacement)"
        )
        assert holiday_name_label("Boxing Day (substitute day)") == (
            "Lendemain de Noël (jour de remplacement)"
        )
        assert holiday_name_label("Day off (substituted from 04/25/2026)") == (
            "Jour chômé (en échange du 25/04/2026)"
        )


def test_a_moved_day_off_keeps_its_date_in_english():
    with translation.override("en"):
        assert holiday_name_label("Day off (substituted from 04/25/2026)") == (
            "Day off (substituted from 04/25/2026)"
        )
        assert holiday_name_label("Day off (substituted from 13/45/2026)") == (
            "Day off (substituted from 13/45/2026)"
        )
