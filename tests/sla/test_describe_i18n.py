"""A calendar's rules read in the reader's language, built from the engine's data (SLP-6)."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import translation

from sla.businesstime import SupportCalendar
from sla.services.describe import calendar_description

WORLDWIDE = SupportCalendar("America/Chicago", holidays="US")
UK = SupportCalendar("UTC", opens="09:00", closes="17:00", holidays="GB-ENG")
SPLIT_WEEK = SupportCalendar(
    "Europe/Paris",
    windows={
        0: [("08:00", "12:00"), ("14:00", "18:00")],
        1: [("08:00", "12:00"), ("14:00", "18:00")],
        2: [("08:00", "12:00")],
        4: [("08:00", "12:00")],
        5: [("10:00", "12:00")],
    },
)


@pytest.mark.parametrize("engine", [WORLDWIDE, UK, SPLIT_WEEK], ids=["worldwide", "uk", "split"])
def test_in_english_it_is_the_engines_own_sentence(engine):
    with translation.override("en"):
        assert calendar_description(engine) == engine.describe()


def test_it_names_the_weekdays_and_hours_as_the_engine_groups_them():
    with translation.override("en"):
        assert calendar_description(SPLIT_WEEK) == (
            "Mon-Tue 08:00-12:00, 14:00-18:00; Wed 08:00-12:00; Fri 08:00-12:00; "
            "Sat 10:00-12:00 (Europe/Paris)"
        )


def test_extra_closures_are_counted_in_words():
    one = SupportCalendar("UTC", closures=[(date(2026, 8, 14), "Office move")])
    two = SupportCalendar(
        "UTC", closures={date(2026, 8, 14): "Office move", date(2026, 12, 24): "Christmas Eve"}
    )

    with translation.override("en"):
        assert calendar_description(one) == "Mon-Fri 08:00-17:00 (UTC), 1 extra closure"
        assert calendar_description(two) == "Mon-Fri 08:00-17:00 (UTC), 2 extra closures"


def test_weekday_names_follow_the_language():
    # Django's own catalogue names the weekdays: this holds without the project's messages.
    with translation.override("fr"):
        assert calendar_description(SPLIT_WEEK).startswith("lun-mar 08:00-12:00, 14:00-18:00;")


# Needs the project's French messages compiled (locale/fr/LC_MESSAGES/django.mo).
def test_the_whole_sentence_reads_in_french():
    calendar = SupportCalendar(
        "America/Chicago", holidays="US", closures=[(date(2026, 8, 14), "Office move")]
    )

    with translation.override("fr"):
        assert calendar_description(calendar) == (
            "lun-ven 08:00-17:00 (America/Chicago), fermé les jours fériés (US), "
            "1 fermeture exceptionnelle"
        )
