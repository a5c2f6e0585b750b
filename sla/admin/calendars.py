"""Staff admin of support calendars (SLP-6): hours, holidays, closures, countries, preview."""

from __future__ import annotations

import zoneinfo
from collections import defaultdict
from itertools import pairwise

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sla.businesstime import BusinessTimeError
from sla.models import Calendar, CalendarCountry, Closure, OpeningWindow, SiteCalendar
from sla.models.calendars import window_overlap_error
from sla.services.calendars import calendar_make_fallback, calendar_preview

# A calendar that follows each site's zone is previewed in this zone unless ?tz= says otherwise.
PREVIEW_DEFAULT_ZONE = "America/Chicago"
PREVIEW_ZONES = (
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "Europe/London",
    "Europe/Paris",
    "Asia/Tokyo",
)
PREVIEW_DAYS = 30


class OpeningWindowFormSet(BaseInlineFormSet):
    """Check a calendar's windows together: rows edited side by side may swap hours."""

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        form.instance.check_overlap_in_db = False
        return form

    def clean(self) -> None:
        super().clean()
        by_day = defaultdict(list)
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE") or form.errors:
                continue
            if data.get("opens") is None or data.get("closes") is None:
                continue
            by_day[data["weekday"]].append(form)
        for forms in by_day.values():
            forms.sort(key=lambda f: f.cleaned_data["opens"])
            for earlier, later in pairwise(forms):
                if later.cleaned_data["opens"] < earlier.cleaned_data["closes"]:
                    later.add_error(
                        "opens",
                        window_overlap_error(
                            opens=earlier.cleaned_data["opens"],
                            closes=earlier.cleaned_data["closes"],
                        ),
                    )
        if not by_day and not any(form.errors for form in self.forms):
            raise ValidationError(
                _("A calendar needs at least one opening window in the week."),
                code="no_windows",
            )


class OpeningWindowInline(admin.TabularInline):
    model = OpeningWindow
    formset = OpeningWindowFormSet
    extra = 0
    fields = ["weekday", "opens", "closes"]
    ordering = ["weekday", "opens"]


class ClosureInline(admin.TabularInline):
    model = Closure
    extra = 0
    fields = ["date", "reason"]
    ordering = ["-date"]


class CalendarCountryInline(admin.TabularInline):
    model = CalendarCountry
    extra = 0
    fields = ["country"]


@admin.register(Calendar)
class CalendarAdmin(admin.ModelAdmin):
    list_display = ["name", "zone", "holiday_display", "is_fallback", "country_list", "updated_at"]
    search_fields = ["name", "countries__country"]
    fields = [
        "name",
        "time_zone",
        "holiday_country",
        "holiday_subdivision",
        "is_fallback",
        "notes",
        "updated_at",
    ]
    readonly_fields = ["is_fallback", "updated_at"]
    inlines = [OpeningWindowInline, ClosureInline, CalendarCountryInline]
    actions = ["make_fallback"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("countries")

    @admin.display(description=_("time zone"))
    def zone(self, obj: Calendar) -> str:
        return obj.time_zone or str(_("each site's own"))

    @admin.display(description=_("holidays"))
    def holiday_display(self, obj: Calendar) -> str:
        return obj.holiday_code or "-"

    @admin.display(description=_("countries"))
    def country_list(self, obj: Calendar) -> str:
        return ", ".join(sorted(c.country for c in obj.countries.all())) or "-"

    def has_delete_permission(self, request, obj=None) -> bool:
        # Sites of unmapped countries need the fallback: make another one the fallback first.
        if obj is not None and obj.is_fallback:
            return False
        return super().has_delete_permission(request, obj)

    @admin.action(description=_("Make the selected calendar the fallback"))
    def make_fallback(self, request: HttpRequest, queryset) -> None:
        if queryset.count() != 1:
            self.message_user(
                request, _("Select exactly one calendar to make it the fallback."), messages.ERROR
            )
            return
        calendar = calendar_make_fallback(calendar=queryset.get())
        self.message_user(
            request,
            _("“%(name)s” is now the fallback calendar.") % {"name": calendar.name},
            messages.SUCCESS,
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        calendar = self.get_object(request, unquote(object_id))
        if calendar is not None:
            extra_context.update(self._preview_context(request, calendar))
        return super().change_view(request, object_id, form_url, extra_context)

    def _preview_context(self, request: HttpRequest, calendar: Calendar) -> dict:
        """Return the template context of the next-30-days preview."""
        zone = calendar.time_zone
        if not zone:
            zone = request.GET.get("tz") or PREVIEW_DEFAULT_ZONE
            try:
                zoneinfo.ZoneInfo(zone)
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                messages.error(
                    request,
                    _("“%(zone)s” is not a known time zone; showing %(default)s.")
                    % {"zone": zone, "default": PREVIEW_DEFAULT_ZONE},
                )
                zone = PREVIEW_DEFAULT_ZONE
        today = timezone.now().astimezone(zoneinfo.ZoneInfo(zone)).date()
        try:
            days = calendar_preview(calendar, time_zone=zone, start_date=today, days=PREVIEW_DAYS)
        except BusinessTimeError as exc:
            return {"preview_error": str(exc), "preview_zone": zone}
        return {
            "preview": days,
            "preview_zone": zone,
            "preview_days": PREVIEW_DAYS,
            "preview_site_zone": calendar.uses_site_time_zone,
            "preview_zones": PREVIEW_ZONES,
        }


@admin.register(SiteCalendar)
class SiteCalendarAdmin(admin.ModelAdmin):
    list_display = ["site", "calendar", "reason"]
    list_select_related = ["site", "calendar"]
    list_filter = ["calendar"]
    search_fields = ["site__code", "site__name"]
    fields = ["site", "calendar", "reason"]
