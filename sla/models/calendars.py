"""Support calendars as data (SLP-6): hours per weekday, holidays, closures, who uses which."""

from __future__ import annotations

from datetime import time

import holidays as holidays_lib
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from common.limits import NOTE_MAX_CHARS, max_chars
from contracts.countries import validate_country
from contracts.models import Site, validate_time_zone


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


def holiday_code_errors(country: str, subdivision: str) -> dict[str, ValidationError]:
    """Return, per field, why a holiday country and subdivision cannot be used."""
    if not country:
        if subdivision:
            return {
                "holiday_subdivision": ValidationError(
                    _("A subdivision needs a holiday country."), code="subdivision_without_country"
                )
            }
        return {}
    supported = holidays_lib.list_supported_countries()
    if country not in supported:
        return {
            "holiday_country": ValidationError(
                _("The holidays library has no public holidays for “%(code)s”."),
                params={"code": country},
                code="unknown_holiday_country",
            )
        }
    if subdivision and subdivision not in supported[country]:
        return {
            "holiday_subdivision": ValidationError(
                _("“%(code)s” is not a subdivision of %(country)s; known: %(known)s."),
                params={
                    "code": subdivision,
                    "country": country,
                    "known": ", ".join(supported[country]) or "-",
                },
                code="unknown_holiday_subdivision",
            )
        }
    return {}


class Calendar(models.Model):
    """Support hours of a group of sites: a time zone, weekly windows, holidays, closures."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        blank=True,
        validators=[validate_time_zone],
        help_text=_("An IANA name such as Europe/London; leave blank for each site's own zone."),
    )
    holiday_country = models.CharField(
        _("holiday country"),
        max_length=2,
        blank=True,
        help_text=_("ISO code whose public holidays close support (US, GB, FR); blank for none."),
    )
    holiday_subdivision = models.CharField(
        _("holiday subdivision"),
        max_length=10,
        blank=True,
        help_text=_("Optional region of that country, e.g. ENG for England and Wales in GB."),
    )
    is_fallback = models.BooleanField(
        _("fallback"),
        default=False,
        help_text=_("Used by every site whose country has no calendar of its own."),
    )
    notes = models.TextField(_("notes"), blank=True, validators=[max_chars(NOTE_MAX_CHARS)])
    # Part of the engine cache key: saving a calendar (the admin always does, inlines included)
    # makes every process rebuild its engine on next use.
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("support calendar")
        verbose_name_plural = _("support calendars")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_fallback"],
                condition=Q(is_fallback=True),
                name="sla_calendar_one_fallback",
                violation_error_message=_("Another calendar is already the fallback."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        self.holiday_country = self.holiday_country.strip().upper()
        self.holiday_subdivision = self.holiday_subdivision.strip().upper()
        errors = holiday_code_errors(self.holiday_country, self.holiday_subdivision)
        if errors:
            raise ValidationError(errors)

    @property
    def holiday_code(self) -> str | None:
        """Return the engine's holiday code ("US", "GB-ENG"), or None when no holidays apply."""
        if not self.holiday_country:
            return None
        if self.holiday_subdivision:
            return f"{self.holiday_country}-{self.holiday_subdivision}"
        return self.holiday_country

    @property
    def uses_site_time_zone(self) -> bool:
        return not self.time_zone


class OpeningWindow(models.Model):
    """One stretch of support hours on a weekday, local time; a day may have several."""

    calendar = models.ForeignKey(
        Calendar, verbose_name=_("calendar"), on_delete=models.CASCADE, related_name="windows"
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))

    # The admin's inline formset checks a whole day's windows together (rows being edited side by
    # side), so it turns the per-row database check off for the rows it validates.
    check_overlap_in_db = True

    class Meta:
        verbose_name = _("opening window")
        verbose_name_plural = _("opening windows")
        ordering = ["calendar", "weekday", "opens"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes__gt=models.F("opens")),
                name="sla_window_closes_after_opens",
                violation_error_message=_("A window must close after it opens."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M}-{self.closes:%H:%M}"

    def clean(self) -> None:
        if self.opens is None or self.closes is None:
            return
        if self.closes <= self.opens:
            raise ValidationError(
                {"closes": window_order_error(opens=self.opens, closes=self.closes)}
            )
        if not self.check_overlap_in_db or self.calendar_id is None or self.weekday is None:
            return
        siblings = OpeningWindow.objects.filter(
            calendar_id=self.calendar_id, weekday=self.weekday
        ).exclude(pk=self.pk)
        for other in siblings:
            if self.opens < other.closes and other.opens < self.closes:
                raise ValidationError(
                    {"opens": window_overlap_error(opens=other.opens, closes=other.closes)}
                )


def window_order_error(*, opens: time, closes: time) -> ValidationError:
    """Return the error for a window that does not close after it opens."""
    return ValidationError(
        _("Closing time %(closes)s must be after opening time %(opens)s."),
        params={"opens": f"{opens:%H:%M}", "closes": f"{closes:%H:%M}"},
        code="closes_before_opens",
    )


def window_overlap_error(*, opens: time, closes: time) -> ValidationError:
    """Return the error for a window that overlaps another window (opens-closes) of its day."""
    return ValidationError(
        _("This window overlaps %(other)s on the same day."),
        params={"other": f"{opens:%H:%M}-{closes:%H:%M}"},
        code="windows_overlap",
    )


class Closure(models.Model):
    """A local date on which a calendar is closed all day, beyond public holidays."""

    calendar = models.ForeignKey(
        Calendar, verbose_name=_("calendar"), on_delete=models.CASCADE, related_name="closures"
    )
    date = models.DateField(_("date"))
    reason = models.CharField(_("reason"), max_length=200)

    class Meta:
        verbose_name = _("closure")
        verbose_name_plural = _("closures")
        ordering = ["calendar", "date"]
        constraints = [
            models.UniqueConstraint(
                fields=["calendar", "date"],
                name="sla_closure_one_per_day",
                violation_error_message=_("This calendar already has a closure on that date."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d}: {self.reason}"

    def clean(self) -> None:
        self.reason = self.reason.strip()
        if not self.reason:
            raise ValidationError({"reason": _("Say why support is closed that day.")})


class CalendarCountry(models.Model):
    """Sites in this country use this calendar unless staff set one on the site."""

    country = models.CharField(
        _("country"), max_length=2, unique=True, validators=[validate_country]
    )
    calendar = models.ForeignKey(
        Calendar, verbose_name=_("calendar"), on_delete=models.CASCADE, related_name="countries"
    )

    class Meta:
        verbose_name = _("country using this calendar")
        verbose_name_plural = _("countries using this calendar")
        ordering = ["country"]

    def __str__(self) -> str:
        return f"{self.country} → {self.calendar}"


class SiteCalendar(models.Model):
    """A calendar staff chose for one site, overriding its country's."""

    site = models.OneToOneField(
        Site, verbose_name=_("site"), on_delete=models.CASCADE, related_name="sla_calendar"
    )
    # PROTECT: deleting a calendar must not silently move its sites to another one.
    calendar = models.ForeignKey(
        Calendar,
        verbose_name=_("calendar"),
        on_delete=models.PROTECT,
        related_name="site_overrides",
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("site calendar override")
        verbose_name_plural = _("site calendar overrides")
        ordering = ["site__code"]

    def __str__(self) -> str:
        return f"{self.site} → {self.calendar}"
