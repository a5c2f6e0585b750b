"""Reads of the cases app for the portal, the admin and the API; each starts from visible_to(user)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from cases.models import Attachment, CannedReply, Case, CaseEvent
from contracts.models import Organization, Patch, Release, Site, SiteRelease, User
from contracts.selectors import site_day
from contracts.services.eligibility import Reason, ReasonCode, eligibility_check
from contracts.services.releases import SUPPORTED, SupportStatus, releases_with_status


def case_list_for_user(user) -> QuerySet[Case]:
    """Return the cases the user may see, with what a list row shows loaded."""
    return Case.objects.visible_to(user).select_related(
        "organization", "end_customer", "site", "assignee", "reporter"
    )


def case_get_for_user(user, number: str) -> Case:
    """Return the user's case with this number; 404 alike for missing and not yours."""
    case = (
        case_list_for_user(user)
        .select_related("release__product", "patch", "contact", "policy_version", "calendar")
        .filter(number=number)
        .first()
    )
    if case is None:
        raise Http404("No such case")
    return case


def case_public_events(case: Case) -> QuerySet[CaseEvent]:
    """Return the events a customer may see: never internal notes or staff-only events."""
    return case_all_events(case).filter(public=True)


def case_all_events(case: Case) -> QuerySet[CaseEvent]:
    """Return the whole timeline, internal notes included (staff only)."""
    return case.events.select_related("actor", "attachment").order_by("at", "id")


def case_events_for_user(user, case: Case) -> QuerySet[CaseEvent]:
    """Return the timeline as this user may see it: all for staff, public events for customers."""
    return case_all_events(case) if user.is_staff else case_public_events(case)


# The staff case page: everything its header and side panel show, in two queries. Of the
# rows the case points to, only the columns shown are read: compiling ten joins of whole rows
# cost more than the query itself (1.8 ms against 0.1 ms on SQLite). The three people are
# read apart: PostgreSQL spent 2-3 ms planning the eleven joins, against 1.4 ms for the
# eight left and nothing for a lookup of three users by id. A column left out and read anyway
# costs one more query, which the page's pinned query count catches.
_CASE_PAGE_RELATED = {
    "organization": ("name",),
    "end_customer": ("name",),
    "site": ("name", "code", "time_zone"),
    "release": ("version", "product"),
    "release__product": ("name",),
    "patch": ("version",),
    "policy_version": ("name", "warning_threshold"),
    # What the business-time engine is built and cached from (sla.services.calendars).
    "calendar": ("name", "time_zone", "holiday_country", "holiday_subdivision", "updated_at"),
}
_CASE_PAGE_COLUMNS = [f.name for f in Case._meta.concrete_fields] + [
    f"{relation}__{column}"
    for relation, columns in _CASE_PAGE_RELATED.items()
    for column in columns
]
_CASE_PAGE_PEOPLE = ("reporter", "contact", "assignee")
_PERSON_COLUMNS = ("full_name", "email")


def case_get_for_staff_page(user, pk: int) -> Case | None:
    """Return the case with what the staff case page shows loaded, or None if not visible."""
    cases = (
        Case.objects.visible_to(user)
        .select_related(*_CASE_PAGE_RELATED)
        .only(*_CASE_PAGE_COLUMNS)
        .filter(pk=pk)
    )
    try:
        case = cases.get()
    except Case.DoesNotExist:
        return None
    ids = {getattr(case, f"{name}_id") for name in _CASE_PAGE_PEOPLE} - {None}
    people = {
        person.pk: person
        for person in User.objects.filter(pk__in=ids).only(*_PERSON_COLUMNS).order_by()
    }
    for name in _CASE_PAGE_PEOPLE:
        person_id = getattr(case, f"{name}_id")
        # Set through the relation, so case.reporter and the others need no query of their own.
        setattr(case, name, people.get(person_id) if person_id is not None else None)
    return case


def case_exists_for_user(user, pk: int) -> bool:
    """Tell whether the user may see a case with this pk."""
    return Case.objects.visible_to(user).filter(pk=pk).exists()


def case_events_added_since(case_id: int, after_id: int, *, by_others_than, limit: int = 20):
    """Return the events others added after event `after_id`, newest first (the sweep's too)."""
    # exclude() on the nullable actor keeps the sweep's events (actor NULL).
    return list(
        CaseEvent.objects.filter(case_id=case_id, pk__gt=after_id)
        .exclude(actor_id=by_others_than.pk)
        .select_related("actor")
        .order_by("-pk")[:limit]
    )


def canned_reply_list_for_staff(user) -> list[CannedReply]:
    """Return the replies in use: the staff member's language first, then the others, by name."""
    replies = list(CannedReply.objects.filter(is_active=True).order_by("name", "language"))
    return sorted(replies, key=lambda reply: reply.language != user.language)


def canned_reply_get_active(pk: int) -> CannedReply | None:
    """Return a canned reply in use, or None."""
    return CannedReply.objects.filter(pk=pk, is_active=True).first()


def attachment_get_for_user(user, pk: int) -> Attachment:
    """Return an attachment of a case the user may see; 404 for other tenants and, to customers,
    for internal attachments."""
    attachments = Attachment.objects.filter(case__in=Case.objects.visible_to(user))
    if not user.is_staff:
        attachments = attachments.filter(public=True)
    attachment = attachments.select_related("case").filter(pk=pk).first()
    if attachment is None:
        raise Http404("No such attachment")
    return attachment


# --- Filing a case for a site: the releases it may be about (SLP-2, SLP-15) ----------------


@dataclass
class ReleaseOption:
    """A release a case may be filed for at a site, with the patch the site runs (SLP-15)."""

    release: Release
    status: str
    run: SiteRelease | None
    latest_patch: Patch | None

    @property
    def status_label(self) -> str:
        return str(SupportStatus(self.status).label)

    @property
    def behind(self) -> bool:
        """Tell whether the site runs this release without its latest published patch."""
        if self.run is None or self.latest_patch is None:
            return False
        patch = self.run.patch
        return patch is None or patch.release_date < self.latest_patch.release_date


@dataclass
class SiteFiling:
    """What filing a case for a site looks like: its releases and why it may not be covered."""

    site: Site
    options: list[ReleaseOption]
    unsupported_runs: list[SiteRelease]
    reasons: tuple[Reason, ...]

    def patch_for(self, release: Release) -> Patch | None:
        """Return the patch level the site records for the release, if any."""
        return next((o.run.patch for o in self.options if o.release == release and o.run), None)


_RELEASE_REASONS = (ReasonCode.RELEASE_UNSUPPORTED, ReasonCode.RELEASE_UPCOMING)


def site_filing_for(site: Site, *, organization: Organization | None) -> SiteFiling:
    """Return the supported releases of a visible site and the site's own eligibility problems."""
    day = site_day(site)
    releases = releases_with_status(on=day)
    supported = [release for release in releases if release.support_status in SUPPORTED]
    runs = {
        run.release_id: run
        for run in SiteRelease.objects.filter(site=site).select_related("release__product", "patch")
    }
    latest: dict[int, Patch] = {}
    patches = Patch.objects.filter(release__in=supported, release_date__lte=day)
    for patch in patches.order_by("release_date", "pk"):
        latest[patch.release_id] = patch
    options = [
        ReleaseOption(r, r.support_status, runs.get(r.pk), latest.get(r.pk)) for r in supported
    ]
    # The releases the site runs first: that is most likely what the case is about.
    options.sort(key=lambda option: option.run is None)
    statuses = {r.pk: r.support_status for r in releases}
    unsupported = [run for rid, run in runs.items() if statuses.get(rid) not in SUPPORTED]
    reasons: tuple[Reason, ...] = ()
    if organization is not None and supported:
        check = eligibility_check(
            organization=organization, site=site, release=supported[0], at=timezone.now()
        )
        reasons = tuple(r for r in check.reasons if r.code not in _RELEASE_REASONS)
    return SiteFiling(site, options, unsupported, reasons)
