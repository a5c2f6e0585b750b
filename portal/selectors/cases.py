"""Reads behind the case pages and the dashboard; each starts from a visible_to(user) selector."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import models
from django.db.models import (
    CharField,
    Count,
    Exists,
    F,
    FilteredRelation,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Least, NullIf
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.models import (
    OPEN_STATUSES,
    Attachment,
    Case,
    CaseEvent,
    Category,
    ClockState,
    EscalationLevel,
    EventKind,
    Exclusion,
    Status,
)
from cases.selectors import case_all_events, case_list_for_user
from cases.services import case_clocks, exclusion_referral
from cases.services.notifications import resolution_kind_label
from contracts.models import Contract, Organization, Site
from portal.selectors.sites import EXPIRING_SOON_DAYS
from sla.clocks import Clocks, ClockStatus

DASHBOARD_ROWS = 20


RECENT_UPDATES = 10


# A clock whose due instant the customer cares about: still counting, or counting past it.
_LIVE_CLOCK = (ClockState.RUNNING, ClockState.BREACHED)


class CaseSort(models.TextChoices):
    """The orders of the case list, as its query string names them."""

    NEWEST = "-received", gettext_lazy("Newest first")
    OLDEST = "received", gettext_lazy("Oldest first")
    PRIORITY = "priority", gettext_lazy("Priority, P1 first")
    DUE = "due", gettext_lazy("Due soonest")


def _due_expression():
    """Return the earliest due instant of the case's live clocks (null when none counts)."""
    response = models.Case(When(response_state__in=_LIVE_CLOCK, then=F("response_due_at")))
    resolution = models.Case(When(resolution_state__in=_LIVE_CLOCK, then=F("resolution_due_at")))
    # Least() is NULL in SQLite as soon as one side is: give each side the other as fallback.
    return Least(Coalesce(response, resolution), Coalesce(resolution, response))


def _effective_priority():
    """Return the priority support set, else the one the customer proposed."""
    return Coalesce(NullIf("priority", Value("")), "proposed_priority", output_field=CharField())


def case_row_annotations() -> dict:
    """Return what a list row computes: its earliest live due instant and its priority."""
    return {"next_due_at": _due_expression(), "effective_priority": _effective_priority()}


def case_rows_for_user(user) -> QuerySet[Case]:
    """Return the user's cases with what a list row and its countdown need, in one query."""
    return (
        case_list_for_user(user)
        .select_related("calendar", "release__product")
        .annotate(**case_row_annotations())
    )


_ORDER = {
    CaseSort.NEWEST: ("-received_at", "-id"),
    CaseSort.OLDEST: ("received_at", "id"),
    CaseSort.PRIORITY: ("effective_priority", "-received_at", "-id"),
    CaseSort.DUE: (F("next_due_at").asc(nulls_last=True), "-received_at", "-id"),
}


def case_order(sort: str) -> tuple:
    """Return the ORDER BY of a list sort (a CaseSort value; newest first when unknown)."""
    return _ORDER.get(sort, _ORDER[CaseSort.NEWEST])


@dataclass
class Dashboard:
    """What the start page shows, each list already evaluated."""

    open_cases: list[Case]
    open_total: int
    waiting_cases: list[Case]
    recent: list[TimelineEntry]
    expiring_contracts: list[Contract]
    today: dt.date


# Speed (issue 15, item 8). The organisations the person may see are read once, as ids: the
# nested membership subqueries of visible_to cost PostgreSQL more to plan than to run. Each
# list then reads the ids of its rows first (narrow, sorted, from an index), the rows of
# those ids after, in the same statement; both case lists and their total are one query.
_WORKING = tuple(status for status in OPEN_STATUSES if status != Status.WAITING_ON_CUSTOMER)
# What the dashboard's case rows show, and nothing else of the rows they join.
_DASHBOARD_FIELDS = (
    "number",
    "title",
    "status",
    "priority",
    "proposed_priority",
    "received_at",
    "response_state",
    "response_due_at",
    "resolution_state",
    "resolution_due_at",
    "site__name",
    "site__time_zone",
    "calendar",
)


def organization_ids_visible_to(user) -> tuple[int, ...] | None:
    """Return the ids of the organisations the user may see, in one query; None for staff."""
    if user.is_authenticated and user.is_active and user.is_staff:
        return None
    return tuple(Organization.objects.visible_to(user).values_list("pk", flat=True))


def cases_of_organizations(ids: tuple[int, ...] | None) -> QuerySet[Case]:
    """Return the cases covered by, or filed for, one of the organisations (all when None).

    The rule of Case.objects.visible_to, with the organisations already resolved.
    """
    if ids is None:
        return Case.objects.all()
    if not ids:
        return Case.objects.none()
    return Case.objects.filter(Q(organization_id__in=ids) | Q(end_customer_id__in=ids))


def _latest_info_request(field: str) -> Subquery:
    latest = (
        CaseEvent.objects.filter(case=OuterRef("pk"), kind=EventKind.INFO_REQUESTED, public=True)
        .order_by("-at", "-id")
        .values(field)[:1]
    )
    return Subquery(latest)


def _dashboard_cases(ids: tuple[int, ...] | None) -> tuple[list[Case], int, list[Case]]:
    """Return the open cases support works on (soonest due first), their total, and the
    cases waiting on the customer (newest first), each with the latest information request.

    Soonest due is the stored queue_due_at: the earliest due instant of a running or
    breached clock, kept by the clock recompute (cases.services.clocks.queue_due).
    """
    visible = cases_of_organizations(ids)
    working = visible.filter(status__in=_WORKING)
    working_ids = working.order_by(
        F("queue_due_at").asc(nulls_last=True), "-received_at", "-id"
    ).values("pk")[:DASHBOARD_ROWS]
    waiting_ids = (
        # Among the open cases: the index of open cases by receipt serves this order.
        visible.filter(status__in=OPEN_STATUSES, status=Status.WAITING_ON_CUSTOMER)
        .order_by("-received_at", "-id")
        .values("pk")[:DASHBOARD_ROWS]
    )
    # Grouped by a constant, which Django leaves out of GROUP BY: one row, the whole count.
    total = working.order_by().values(_all=Value(1)).annotate(total=Count("pk")).values("total")
    # One list of ids, a union: an OR of the two would have the database read every open
    # case to test its id against both lists, instead of fetching the 40 chosen by id.
    chosen = (
        Case.objects.filter(pk__in=working_ids)
        .order_by()
        .values("pk")
        .union(Case.objects.filter(pk__in=waiting_ids).order_by().values("pk"), all=True)
    )
    rows = list(
        Case.objects.filter(pk__in=chosen)
        .select_related("site", "calendar")
        .only(*_DASHBOARD_FIELDS)
        .annotate(
            effective_priority=_effective_priority(),
            queue_due=F("queue_due_at"),
            open_total=Subquery(total, output_field=IntegerField()),
            request_body=_latest_info_request("body"),
            request_at=_latest_info_request("at"),
        )
        .order_by()
    )
    far = dt.datetime.max.replace(tzinfo=dt.UTC)
    working_rows = sorted(
        (case for case in rows if case.status != Status.WAITING_ON_CUSTOMER),
        key=lambda case: (case.queue_due or far, -case.received_at.timestamp(), -case.pk),
    )
    waiting_rows = sorted(
        (case for case in rows if case.status == Status.WAITING_ON_CUSTOMER),
        key=lambda case: (case.received_at, case.pk),
        reverse=True,
    )
    for case in waiting_rows:
        # As the template reads it: the request as an event, the latest first.
        request = CaseEvent(
            kind=EventKind.INFO_REQUESTED, body=case.request_body, at=case.request_at
        )
        case.info_requests = [request] if case.request_at is not None else []
    return working_rows, rows[0].open_total if rows else 0, waiting_rows


def dashboard_for_user(user, *, today: dt.date | None = None) -> Dashboard:
    """Return the dashboard of the user: open and waiting cases, news, expiring contracts."""
    today = today or timezone.localdate()
    ids = organization_ids_visible_to(user)
    open_cases, open_total, waiting_cases = _dashboard_cases(ids)
    return Dashboard(
        open_cases=open_cases,
        open_total=open_total,
        waiting_cases=waiting_cases,
        recent=timeline_entries(case_events_recent(ids)),
        expiring_contracts=contracts_expiring(ids, today=today),
        today=today,
    )


# What a timeline entry reads of an event.
_EVENT_FIELDS = ("at", "kind", "public", "body", "old_value", "new_value", "data")


def case_events_recent(ids: tuple[int, ...] | None, *, limit: int = RECENT_UPDATES) -> list:
    """Return the latest public events on the cases of the organisations (all when None).

    The ids of the latest events first, from the index of public events by instant, walked
    newest first until enough belong to a visible case; then the rows of those ids.
    """
    latest = CaseEvent.objects.filter(public=True)
    if ids is not None:
        # A correlated test of each event's case, not a join: SQLite would first build a
        # Bloom filter over the whole case table (60 ms at 200,000 cases) to join fewer rows.
        visible = cases_of_organizations(ids).filter(pk=OuterRef("case_id"))
        latest = latest.filter(Exists(visible))
    latest_ids = latest.order_by("-at", "-id").values("pk")[:limit]
    return list(
        CaseEvent.objects.filter(pk__in=latest_ids)
        .select_related("case", "actor", "attachment")
        .only(*_EVENT_FIELDS, "case__number", "actor", "attachment")
        .order_by("-at", "-id")
    )


def contracts_expiring(
    ids: tuple[int, ...] | None, *, today: dt.date, days: int = EXPIRING_SOON_DAYS
) -> list[Contract]:
    """Return the active contracts of the organisations (all when None) ending within `days`.

    Soonest first, each with only the sites of those organisations, as contract.sites.all()
    reads them: one query, the contracts joined to their visible sites.
    """
    contracts = (
        Contract.objects.all() if ids is None else Contract.objects.filter(holder_id__in=ids)
    )
    if ids is None:
        site = "sites__code"
    else:
        visible = FilteredRelation("sites", condition=Q(sites__organization_id__in=ids))
        contracts, site = contracts.annotate(visible_sites=visible), "visible_sites__code"
    rows = (
        contracts.in_force_on(today)
        .filter(end_date__lte=today + dt.timedelta(days=days))
        .order_by("end_date", "reference", site)
        .values_list("pk", "reference", "end_date", "holder_id", site)
    )
    by_pk: dict[int, Contract] = {}
    for pk, reference, end_date, holder_id, code in rows:
        contract = by_pk.get(pk)
        if contract is None:
            contract = Contract(pk=pk, reference=reference, end_date=end_date, holder_id=holder_id)
            # Where prefetch_related("sites") leaves the sites: contract.sites.all() reads them.
            contract._prefetched_objects_cache = {"sites": []}
            by_pk[pk] = contract
        if code is not None:
            contract._prefetched_objects_cache["sites"].append(Site(code=code))
    return list(by_pk.values())


@dataclass
class TimelineEntry:
    """One public event as the customer reads it: who, when, what, and any text or file."""

    event: CaseEvent
    heading: str
    actor: str
    by_support: bool
    body: str = ""
    extra: str = ""
    attachment: Attachment | None = None


def _label(choices, value) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value)


def _actor(event: CaseEvent) -> str:
    actor = event.actor
    if actor is None:
        return _("CONNECT support")
    if actor.is_staff:
        if actor.full_name:
            return _("%(name)s, CONNECT support") % {"name": actor.full_name}
        return _("CONNECT support")
    return actor.get_full_name()


def _status_heading(event: CaseEvent) -> str:
    return _("Status changed from “%(old)s” to “%(new)s”") % {
        "old": _label(Status, event.old_value),
        "new": _label(Status, event.new_value),
    }


def _priority_heading(event: CaseEvent) -> str:
    if event.old_value:
        return _("Priority changed from %(old)s to %(new)s") % {
            "old": event.old_value,
            "new": event.new_value,
        }
    return _("Priority set to %(new)s") % {"new": event.new_value}


def _classification_heading(event: CaseEvent) -> str:
    heading = _("Classified as “%(category)s”") % {"category": _label(Category, event.new_value)}
    if event.data.get("exclusion"):
        heading += f": {_label(Exclusion, event.data['exclusion'])}"
    return heading


_HEADINGS = {
    EventKind.RECEIVED: lambda e: (
        _("Case received, proposed priority %(priority)s") % {"priority": e.new_value}
    ),
    EventKind.COMMENT: lambda e: (
        _("Reply from support") if e.data.get("by_staff") else _("Comment")
    ),
    EventKind.STATUS: _status_heading,
    EventKind.PRIORITY: _priority_heading,
    EventKind.CLASSIFICATION: _classification_heading,
    EventKind.INFO_REQUESTED: lambda e: _("Support asked for information"),
    EventKind.INFO_RECEIVED: lambda e: _("Information provided"),
    EventKind.RESPONSE: lambda e: _("First response from support (SLP-9)"),
    EventKind.RESOLUTION: lambda e: (
        _("Resolution recorded: %(kind)s")
        % {"kind": resolution_kind_label(e.data.get("kind", e.new_value))}
    ),
    EventKind.REOPENED: lambda e: _("Case reopened"),
    EventKind.CLOSED: lambda e: _("Case closed"),
    EventKind.WITHDRAWN: lambda e: _("Withdrawn: outside the support policy (SLP-16)"),
    EventKind.ESCALATION: lambda e: (
        _("Escalated to: %(level)s (SLP-12)")
        % {"level": _label(EscalationLevel, int(e.data.get("level", e.new_value or 0)))}
    ),
    EventKind.ATTACHMENT: lambda e: _("File attached"),
}


def _extra(event: CaseEvent) -> str:
    if event.kind == EventKind.RESOLUTION:
        return event.data.get("plan", "")
    if event.kind == EventKind.WITHDRAWN and event.data.get("exclusion") in Exclusion.values:
        return str(exclusion_referral(event.data["exclusion"]))
    return ""


def timeline_entries(events: list[CaseEvent]) -> list[TimelineEntry]:
    """Return the events as the customer reads them, in the active language."""
    entries = []
    for event in events:
        heading = _HEADINGS.get(event.kind, lambda e: e.get_kind_display())(event)
        attachment = (
            getattr(event, "attachment", None) if event.kind == EventKind.ATTACHMENT else None
        )
        entries.append(
            TimelineEntry(
                event=event,
                heading=heading,
                actor=_actor(event),
                by_support=bool(event.data.get("by_staff")),
                body="" if attachment is not None else event.body,
                extra=_extra(event),
                attachment=attachment if attachment is not None and attachment.public else None,
            )
        )
    return entries


_ESCALABLE = (*OPEN_STATUSES, Status.RESOLVED)


@dataclass
class CasePage:
    """Everything the case page shows and which customer actions it offers."""

    case: Case
    entries: list[TimelineEntry]
    clocks: Clocks
    may_write: bool
    info_request: TimelineEntry | None
    reopen_until: dt.datetime | None
    now: dt.datetime

    @property
    def is_final(self) -> bool:
        return self.case.status in (Status.CLOSED, Status.WITHDRAWN)

    @property
    def attachments(self) -> list[Attachment]:
        return [entry.attachment for entry in self.entries if entry.attachment is not None]

    @property
    def breached(self) -> bool:
        return any(clock.state == ClockStatus.BREACHED for clock in self.clocks)

    @property
    def can_escalate(self) -> bool:
        case = self.case
        top = EscalationLevel.EXECUTIVE_SPONSOR
        return case.status in _ESCALABLE and case.escalation_level < top

    @property
    def can_provide(self) -> bool:
        return self.case.status == Status.WAITING_ON_CUSTOMER

    @property
    def can_reopen(self) -> bool:
        return self.reopen_until is not None and self.now <= self.reopen_until

    @property
    def can_close(self) -> bool:
        return self.case.status == Status.RESOLVED

    def offers(self, action: str) -> bool:
        """Tell whether the page shows the form of an action ("comment", "escalate", ...)."""
        offered = {
            "comment": not self.is_final,
            "attach": not self.is_final,
            "information": self.can_provide,
            "escalate": self.can_escalate,
            "reopen": self.can_reopen,
            "close": self.can_close,
        }
        return self.may_write and offered.get(action, False)


def case_page_for_user(user, case: Case, *, may_write: bool) -> CasePage:
    """Return the case page of a case the user may see: public timeline, clocks, actions."""
    now = timezone.now()
    # The whole timeline once: its public events are the page's, all of them the clocks'.
    events = list(case_all_events(case))
    entries = timeline_entries([event for event in events if event.public])
    requests = [e for e in entries if e.event.kind == EventKind.INFO_REQUESTED]
    reopen_until = case.reopen_until() if case.status == Status.RESOLVED else None
    return CasePage(
        case=case,
        entries=entries,
        clocks=case_clocks(case, now=now, events=events),
        may_write=may_write,
        info_request=requests[-1] if requests else None,
        reopen_until=reopen_until,
        now=now,
    )
