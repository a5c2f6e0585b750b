"""Seed the SLP-6 default calendars and the first policy version from the text (SLP-5, SLP-11)."""

from datetime import UTC, datetime, time

from django.db import migrations

WEEKDAYS = range(5)  # Monday to Friday

# SLP-5 targets in support minutes: (response, resolution, status-update cadence).
# Update cadences (SLP-11 leaves them to us): P1 every 2 support hours, so an urgent case hears
# from support several times a support day; P2 once a support day (480 min, about a day of the
# 8-9 hour calendars); P3 every 3 support days (1440 min); P4 every 6 support days (2880 min).
# Each cadence is shorter than the resolution target, so at least one update precedes it.
TARGETS = {
    "P1": (150, 480, 120),
    "P2": (480, 1440, 480),
    "P3": (1440, 2880, 1440),
    "P4": (2880, 3600, 2880),
}
P4_NOTE = (
    "SLP-5: the French table writes “2 ½D” for the P4 resolution. Read as 2.5 x 24 = 60 support "
    "hours, the next step after P3's 48 h and never shorter than the P4 response target. "
    "To be confirmed by the policy owner."
)


def create_defaults(apps, schema_editor):
    Calendar = apps.get_model("sla", "Calendar")
    OpeningWindow = apps.get_model("sla", "OpeningWindow")
    CalendarCountry = apps.get_model("sla", "CalendarCountry")
    PolicyVersion = apps.get_model("sla", "PolicyVersion")
    PolicyTarget = apps.get_model("sla", "PolicyTarget")

    worldwide, created = Calendar.objects.get_or_create(
        name="Worldwide",
        defaults={
            "time_zone": "",
            "holiday_country": "US",
            "is_fallback": True,
            "notes": "SLP-6: every site outside the UK, in its own time zone, "
            "Monday to Friday 08:00-17:00, closed on US federal holidays.",
        },
    )
    if created:
        for day in WEEKDAYS:
            OpeningWindow.objects.create(
                calendar=worldwide, weekday=day, opens=time(8), closes=time(17)
            )
    uk, created = Calendar.objects.get_or_create(
        name="UK",
        defaults={
            "time_zone": "UTC",
            "holiday_country": "GB",
            "holiday_subdivision": "ENG",
            "notes": "SLP-6: UK sites, Monday to Friday 09:00-17:00 UTC (as the text says), "
            "closed on bank holidays of England and Wales.",
        },
    )
    if created:
        for day in WEEKDAYS:
            OpeningWindow.objects.create(calendar=uk, weekday=day, opens=time(9), closes=time(17))
        CalendarCountry.objects.get_or_create(country="GB", defaults={"calendar": uk})

    if PolicyVersion.objects.exists():
        return
    version = PolicyVersion.objects.create(
        name="CONNECT SLP 1",
        status="published",
        effective_from=datetime(2020, 1, 1, tzinfo=UTC),
        notice_sent_at=datetime(2019, 11, 1, tzinfo=UTC),
        published_at=datetime(2019, 11, 1, tzinfo=UTC),
        warning_threshold=75,
        reopen_window_days=14,
        notes="Figures of the CONNECT Service Level Policy text (SLP-5); update cadences "
        "chosen by support (SLP-11).",
    )
    for priority, (response, resolution, update) in TARGETS.items():
        PolicyTarget.objects.create(
            version=version,
            priority=priority,
            response_minutes=response,
            resolution_minutes=resolution,
            update_minutes=update,
            to_confirm=priority == "P4",
            note=P4_NOTE if priority == "P4" else "",
        )


class Migration(migrations.Migration):
    dependencies = [("sla", "0001_initial")]
    operations = [migrations.RunPython(create_defaults, migrations.RunPython.noop)]
