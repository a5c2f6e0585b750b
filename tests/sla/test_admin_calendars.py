"""Staff admin of support calendars (SLP-6): editing, refusing bad hours, the 30-day preview."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest
import time_machine
from allauth.mfa.totp.internal.auth import TOTP
from django.urls import reverse

from contracts.models import Organization, Site
from sla.models import Calendar, Closure, OpeningWindow, SiteCalendar
from sla.services.calendars import support_calendar_cache_clear

pytestmark = pytest.mark.django_db

TOTP_SECRET = "JBSWY3DPEHPK3PXP"
CALENDAR_FIELDS = ("name", "time_zone", "holiday_country", "holiday_subdivision", "notes")


@pytest.fixture(autouse=True)
def _plain_static_files(settings):
    """Serve static URLs without the collectstatic manifest production uses."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _fresh_engines():
    support_calendar_cache_clear()
    yield
    support_calendar_cache_clear()


@pytest.fixture
def admin_client(client, make_user):
    user = make_user("calendars@vendor.test", staff=True, is_superuser=True)
    TOTP.activate(user, TOTP_SECRET)
    client.force_login(user)
    return client


def uk() -> Calendar:
    return Calendar.objects.get(name="UK")


def worldwide() -> Calendar:
    return Calendar.objects.get(name="Worldwide")


def change_url(calendar: Calendar) -> str:
    return reverse("admin:sla_calendar_change", args=[calendar.pk])


def inline(data: dict, prefix: str, rows: list[dict], *, initial: int) -> None:
    """Add one inline formset to POST data; rows with an id come first."""
    data[f"{prefix}-TOTAL_FORMS"] = str(len(rows))
    data[f"{prefix}-INITIAL_FORMS"] = str(initial)
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f"{prefix}-{i}-{key}"] = value


def calendar_post(calendar: Calendar | None, *, windows: list[dict], **fields) -> dict:
    """Return the change form's POST data with these windows and the saved closures/countries."""
    data = {name: getattr(calendar, name) if calendar else "" for name in CALENDAR_FIELDS}
    data.update(fields)
    inline(data, "windows", windows, initial=sum(1 for row in windows if row.get("id")))
    closures = (
        [{"id": c.pk, "date": c.date, "reason": c.reason} for c in calendar.closures.all()]
        if calendar
        else []
    )
    inline(data, "closures", closures, initial=len(closures))
    countries = (
        [{"id": c.pk, "country": c.country} for c in calendar.countries.all()] if calendar else []
    )
    inline(data, "countries", countries, initial=len(countries))
    return data


def saved_windows(calendar: Calendar) -> list[dict]:
    return [
        {
            "id": w.pk,
            "weekday": w.weekday,
            "opens": f"{w.opens:%H:%M}",
            "closes": f"{w.closes:%H:%M}",
        }
        for w in calendar.windows.order_by("weekday", "opens")
    ]


def window_form_errors(response) -> list[dict]:
    formset = next(
        f.formset
        for f in response.context["inline_admin_formsets"]
        if f.formset.prefix == "windows"
    )
    return [form.errors for form in formset.forms]


# Pages load ---------------------------------------------------------------------------------------


def test_the_calendar_list_shows_both_defaults(admin_client):
    response = admin_client.get(reverse("admin:sla_calendar_changelist"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Worldwide" in html and "UK" in html
    assert "GB-ENG" in html


@pytest.fixture
def december_20():
    """Freeze the clock before logging in, so the session is fresh at the frozen instant."""
    with time_machine.travel(datetime(2026, 12, 20, 12, tzinfo=UTC), tick=False):
        yield


@pytest.fixture
def november_20():
    with time_machine.travel(datetime(2026, 11, 20, 12, tzinfo=UTC), tick=False):
        yield


def test_the_change_page_previews_30_days_with_holidays_and_closures(december_20, admin_client):
    Closure.objects.create(calendar=uk(), date=date(2026, 12, 31), reason="Year-end stocktake")
    response = admin_client.get(change_url(uk()))
    assert response.status_code == 200
    days = response.context["preview"]
    assert len(days) == 30
    assert days[0].date == date(2026, 12, 20)
    html = response.content.decode()
    assert "Next 30 days, in UTC" in html
    assert "Holiday: Christmas Day" in html
    assert "Holiday: Boxing Day (observed)" in html
    assert "Closure: Year-end stocktake" in html
    assert "09:00-17:00" in html


def test_a_site_zone_calendar_previews_in_chicago_unless_a_zone_is_chosen(
    november_20, admin_client
):
    response = admin_client.get(change_url(worldwide()))
    assert response.context["preview_zone"] == "America/Chicago"
    assert "Holiday: Thanksgiving Day" in response.content.decode()
    response = admin_client.get(change_url(worldwide()) + "?tz=Asia/Tokyo")
    assert response.context["preview_zone"] == "Asia/Tokyo"
    assert "Next 30 days, in Asia/Tokyo" in response.content.decode()


def test_an_unknown_preview_zone_falls_back_with_a_message(admin_client):
    response = admin_client.get(change_url(worldwide()) + "?tz=Mars/Base")
    assert response.status_code == 200
    assert response.context["preview_zone"] == "America/Chicago"
    assert "“Mars/Base” is not a known time zone" in response.content.decode()


def test_the_site_override_list_loads(admin_client):
    org = Organization.objects.create(name="Acme", kind="direct_customer", country="GB")
    site = Site.objects.create(
        organization=org, name="Leeds", code="LDS", country="GB", time_zone="Europe/London"
    )
    SiteCalendar.objects.create(site=site, calendar=worldwide(), reason="US team serves it")
    response = admin_client.get(reverse("admin:sla_sitecalendar_changelist"))
    assert response.status_code == 200
    assert "LDS" in response.content.decode()
    assert admin_client.get(reverse("admin:sla_sitecalendar_add")).status_code == 200


# Editing ------------------------------------------------------------------------------------------


def test_staff_can_add_a_lunch_break(admin_client):
    calendar = uk()
    windows = saved_windows(calendar)
    windows[0]["closes"] = "12:00"
    windows.append({"weekday": 0, "opens": "13:00", "closes": "17:00"})
    response = admin_client.post(change_url(calendar), calendar_post(calendar, windows=windows))
    assert response.status_code == 302
    monday = calendar.windows.filter(weekday=0).order_by("opens")
    assert [(w.opens, w.closes) for w in monday] == [(time(9), time(12)), (time(13), time(17))]


def test_closing_before_opening_is_refused_next_to_the_closing_time(admin_client):
    calendar = uk()
    windows = saved_windows(calendar)
    windows[2]["closes"] = "08:00"
    response = admin_client.post(change_url(calendar), calendar_post(calendar, windows=windows))
    assert response.status_code == 200
    errors = window_form_errors(response)
    assert list(errors[2]) == ["closes"]
    assert "Closing time 08:00 must be after opening time 09:00." in errors[2]["closes"]
    assert calendar.windows.get(pk=windows[2]["id"]).closes == time(17)


def test_overlapping_windows_are_refused_next_to_the_later_opening(admin_client):
    calendar = uk()
    windows = saved_windows(calendar)
    windows.append({"weekday": 0, "opens": "16:00", "closes": "18:00"})
    response = admin_client.post(change_url(calendar), calendar_post(calendar, windows=windows))
    assert response.status_code == 200
    errors = window_form_errors(response)
    assert errors[5] == {"opens": ["This window overlaps 09:00-17:00 on the same day."]}
    assert "This window overlaps 09:00-17:00 on the same day." in response.content.decode()
    assert calendar.windows.count() == 5


def test_moving_two_windows_of_a_day_in_one_save_is_accepted(admin_client):
    calendar = uk()
    OpeningWindow.objects.filter(calendar=calendar, weekday=0).update(closes=time(12))
    OpeningWindow.objects.create(calendar=calendar, weekday=0, opens=time(13), closes=time(17))
    windows = saved_windows(calendar)
    # Move lunch two hours later: the morning row alone would overlap the afternoon's saved hours.
    windows[0]["closes"], windows[1]["opens"] = "14:00", "15:00"
    response = admin_client.post(change_url(calendar), calendar_post(calendar, windows=windows))
    assert response.status_code == 302
    monday = calendar.windows.filter(weekday=0).order_by("opens")
    assert [(w.opens, w.closes) for w in monday] == [(time(9), time(14)), (time(15), time(17))]


def test_deleting_every_window_is_refused(admin_client):
    calendar = uk()
    windows = [dict(row, DELETE="on") for row in saved_windows(calendar)]
    response = admin_client.post(change_url(calendar), calendar_post(calendar, windows=windows))
    assert response.status_code == 200
    assert "A calendar needs at least one opening window in the week." in response.content.decode()
    assert calendar.windows.count() == 5


def test_an_unknown_holiday_subdivision_is_refused_next_to_the_field(admin_client):
    calendar = uk()
    response = admin_client.post(
        change_url(calendar),
        calendar_post(calendar, windows=saved_windows(calendar), holiday_subdivision="XYZ"),
    )
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert list(form.errors) == ["holiday_subdivision"]
    assert "“XYZ” is not a subdivision of GB" in form.errors["holiday_subdivision"][0]
    assert Calendar.objects.get(pk=calendar.pk).holiday_subdivision == "ENG"


def test_an_unknown_time_zone_is_refused_next_to_the_field(admin_client):
    calendar = uk()
    response = admin_client.post(
        change_url(calendar),
        calendar_post(calendar, windows=saved_windows(calendar), time_zone="Europe/Atlantis"),
    )
    assert response.status_code == 200
    assert list(response.context["adminform"].form.errors) == ["time_zone"]


def test_a_new_calendar_is_added_with_its_windows(admin_client):
    data = calendar_post(
        None,
        windows=[{"weekday": day, "opens": "09:00", "closes": "18:00"} for day in range(5)],
        name="France",
        time_zone="Europe/Paris",
        holiday_country="FR",
    )
    response = admin_client.post(reverse("admin:sla_calendar_add"), data)
    assert response.status_code == 302
    france = Calendar.objects.get(name="France")
    assert france.holiday_code == "FR"
    assert france.windows.count() == 5
    assert not france.is_fallback


# Fallback -----------------------------------------------------------------------------------------


def test_the_fallback_calendar_cannot_be_deleted(admin_client):
    response = admin_client.get(reverse("admin:sla_calendar_delete", args=[worldwide().pk]))
    assert response.status_code == 403


def test_the_make_fallback_action_moves_the_flag(admin_client):
    response = admin_client.post(
        reverse("admin:sla_calendar_changelist"),
        {"action": "make_fallback", "_selected_action": [uk().pk]},
        follow=True,
    )
    assert "“UK” is now the fallback calendar." in response.content.decode()
    assert uk().is_fallback and not worldwide().is_fallback
