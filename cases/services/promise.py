"""What filing a case now promises: its due instants before it exists (SLP-5, SLP-6, SLP-8).

The promise is the case's own clock computation run on the timeline the case would have: the
same policy version and calendar lookups as the intake, the same unsaved timeline events turned
into clock events by `case_clocks`. The form shows it before filing and the receipt email
repeats it after, so the two can never disagree with each other or with the case.

- Response: the new case's clock as received (SLP-8: it starts at receipt, measured against the
  proposed priority until support sets one).
- Resolution: the clock once support confirms the proposed priority at the same instant.
  The real clock starts only when support sets the priority and has the information it needs,
  so this is the due instant if support confirms the priority straight away; a later triage
  inside support hours moves it on by the support time that passed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from zoneinfo import ZoneInfo

from django.utils import dateformat
from django.utils.translation import gettext as _

from cases.models import Case, CaseEvent, EventKind
from cases.services.clocks import case_clocks, case_support_calendar
from contracts.models import Site
from sla.businesstime import SupportCalendar
from sla.models import Calendar, PolicyVersion, Priority
from sla.services.calendars import calendar_for_site, closed_reason_label
from sla.services.policies import policy_version_in_force


@dataclass(frozen=True)
class CasePromise:
    """The due instants of a case received at `received_at` with `priority` (instants in UTC)."""

    priority: str
    received_at: datetime
    response_due: datetime
    resolution_due: datetime
    response_minutes: int
    resolution_minutes: int
    policy_label: str
    calendar: SupportCalendar
    site_zone: ZoneInfo
    # When support is closed at receipt: its next opening, from which the clocks count.
    opens_at: datetime | None

    @property
    def calendar_zone(self) -> tzinfo:
        """Return the zone the calendar counts in (the site's own, or e.g. UTC for the UK)."""
        return self.calendar.tz


def _promise(case: Case, at: datetime) -> CasePromise:
    """Compute the promise of `case` (saved or not) received at `at`."""
    calendar = case_support_calendar(case)
    priority = case.proposed_priority
    # Receipt, then support confirming the proposed priority at the same instant. The response
    # clock reads the same target either way (the priority does not change), so one
    # computation serves both clocks.
    events = [
        CaseEvent(kind=EventKind.RECEIVED, at=at, new_value=priority),
        CaseEvent(kind=EventKind.PRIORITY, at=at, new_value=priority),
    ]
    clocks = case_clocks(case, now=at, events=events, calendar=calendar)
    return CasePromise(
        priority=priority,
        received_at=at.astimezone(UTC),
        response_due=clocks.response.due_at,
        resolution_due=clocks.resolution.due_at,
        response_minutes=clocks.response.target_minutes,
        resolution_minutes=clocks.resolution.target_minutes,
        policy_label=case.policy_version.name,
        calendar=calendar,
        site_zone=ZoneInfo(case.site.time_zone),
        opens_at=None if calendar.is_open(at) else calendar.next_open(at),
    )


def case_promise(*, site: Site, priority: str, now: datetime) -> CasePromise | None:
    """Return what filing a case for `site` with `priority` at `now` promises, or None.

    None when no policy version is in force or no calendar serves the site: the intake would
    refuse the case then, so nothing can be promised.
    """
    if priority not in Priority.values:
        raise ValueError(f"unknown priority {priority!r}")
    try:
        version = policy_version_in_force(at=now)
        calendar = calendar_for_site(site)
    except (PolicyVersion.DoesNotExist, Calendar.DoesNotExist):
        return None
    # The row case_open would create, unsaved: the clock code reads nothing else.
    case = Case(
        site=site,
        calendar=calendar,
        policy_version=version,
        proposed_priority=priority,
        received_at=now,
    )
    return _promise(case, now)


def case_promise_for(case: Case) -> CasePromise:
    """Return the promise a filed case was made at its receipt, for the receipt email."""
    return _promise(case, case.received_at)


# --- In words, in the active language -------------------------------------------------------


def due_text(instant: datetime, zone: tzinfo) -> str:
    """Return a due instant as the reader's zone shows it, e.g. "Mon 9 Dec, 10:30"."""
    # Translators: a format of Django's date filter for a due instant; "D j M, H:i" reads
    # "Mon 9 Dec, 10:30". See https://docs.djangoproject.com/en/5.2/ref/templates/builtins/#date
    return dateformat.format(instant.astimezone(zone), _("D j M, H:i"))


def _place(zone: tzinfo) -> str | None:
    """Return the city a zone is named after ("America/Chicago": "Chicago"), None for UTC."""
    key = getattr(zone, "key", str(zone))
    if "/" not in key or key.startswith("Etc/"):
        return None
    return key.rsplit("/", 1)[1].replace("_", " ")


def _opens_text(promise: CasePromise) -> str:
    """Return "it opens at 08:00 in Chicago", naming the day when it is not today there."""
    zone = promise.calendar_zone
    opens = promise.opens_at.astimezone(zone)
    same_day = opens.date() == promise.received_at.astimezone(zone).date()
    params = {
        "time": dateformat.format(opens, "H:i"),
        # Translators: a format of Django's date filter for a day, "D j M" reads "Mon 9 Dec".
        "day": dateformat.format(opens, _("D j M")),
        "place": _place(zone),
    }
    if params["place"] is None:
        if same_day:
            return _("it opens at %(time)s UTC") % params
        return _("it opens on %(day)s at %(time)s UTC") % params
    if same_day:
        return _("it opens at %(time)s in %(place)s") % params
    return _("it opens on %(day)s at %(time)s in %(place)s") % params


def promise_opening_text(promise: CasePromise) -> str:
    """Return why the clocks wait when support is closed at receipt, or "" when it is open.

    E.g. "Support is closed now: it opens at 08:00 in Chicago." or, on a closed day,
    "Support is closed today (Holiday: Christmas Day): it opens on Fri 26 Dec at 08:00 in Chicago."
    """
    if promise.opens_at is None:
        return ""
    today = promise.received_at.astimezone(promise.calendar_zone).date()
    reason = promise.calendar.closed_reason(today)
    if reason is None:
        closed = _("Support is closed now")
    else:
        closed = _("Support is closed today (%(reason)s)") % {"reason": closed_reason_label(reason)}
    return _("%(closed)s: %(opens)s.") % {"closed": closed, "opens": _opens_text(promise)}


@dataclass(frozen=True)
class PromiseText:
    """A promise in words for one reader: due instants in their zone and at the site."""

    response: str
    response_site: str  # "" when the site's clock reads the same
    resolution: str
    resolution_site: str
    opening: str  # "" while support is open


def promise_text(promise: CasePromise, *, zone: tzinfo) -> PromiseText:
    """Return the promise's instants in the reader's `zone` and the site's, and the opening."""
    texts = []
    for instant in (promise.response_due, promise.resolution_due):
        mine, site = due_text(instant, zone), due_text(instant, promise.site_zone)
        texts += [mine, "" if site == mine else site]
    return PromiseText(*texts, opening=promise_opening_text(promise))
