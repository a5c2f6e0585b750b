"""The portal's case list: what a person may list, its filters and search, and one page of it.

Speed (issue 15, item 8): the organisations a person may see are read once per request, with
their sites (the site filter's choices), and the cases are then filtered by those ids, which
plans in a fraction of the nested membership subqueries of Case.objects.visible_to. A page is
one query: the ids of the page (narrow rows, sorted), the rows of those ids with what a row
shows, the number of matching cases and each row's last public activity.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import (
    Count,
    DateTimeField,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce

from cases.models import OPEN_STATUSES, Case, CaseEvent, EventKind
from contracts.models import Organization
from portal.selectors.cases import CaseSort, case_order, case_row_annotations

CASE_PAGE_SIZE = 50

# The list's filters, in the order of the form and of the query strings made of them.
FILTER_NAMES = ("q", "status", "priority", "site", "sort")
# The status filter's groups; any other value is one status.
OPEN = "open"
CLOSED = "closed"
ALL = "all"

# Text search configuration of PostgreSQL: "simple" lower-cases words without stemming, so
# English and French texts, case numbers, error codes and machine names are indexed alike.
# portal/migrations/0006 builds its GIN indexes with this same configuration.
SEARCH_CONFIG = "simple"
# Words of a search beyond these are ignored (each one is two index lookups).
SEARCH_MAX_WORDS = 6
# The timeline entries whose text a customer reads as the conversation of the case. Internal
# notes are comments too, but never public: the public=True condition keeps them out.
SEARCHED_EVENT_KINDS = (EventKind.COMMENT, EventKind.INFO_REQUESTED, EventKind.INFO_RECEIVED)

_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class CaseListScope:
    """What the list may show a person, read once: organisation ids and their sites.

    `everything` is staff (who see every case); `sites` are (code, label) pairs by code.
    """

    organization_ids: tuple[int, ...]
    sites: tuple[tuple[str, str], ...]
    everything: bool = False


def case_list_scope(user) -> CaseListScope:
    """Return the organisations the user may see and their sites, in one query."""
    rows = (
        Organization.objects.visible_to(user)
        .values_list("pk", "sites__code", "sites__name")
        .order_by("sites__code", "pk")
    )
    ids: dict[int, None] = {}
    sites = []
    for pk, code, name in rows:
        ids[pk] = None
        if code is not None:
            sites.append((code, f"{name} ({code})"))
    everything = bool(user.is_authenticated and user.is_active and user.is_staff)
    return CaseListScope(organization_ids=tuple(ids), sites=tuple(sites), everything=everything)


def cases_in_scope(scope: CaseListScope) -> QuerySet[Case]:
    """Return the cases of the scope: covered by, or filed for, one of its organisations.

    The rule of Case.objects.visible_to, with the organisations already resolved.
    """
    if scope.everything:
        return Case.objects.all()
    if not scope.organization_ids:
        return Case.objects.none()
    ids = scope.organization_ids
    return Case.objects.filter(Q(organization_id__in=ids) | Q(end_customer_id__in=ids))


def search_words(q: str) -> list[str]:
    """Return the words of a search, lower-cased, at most SEARCH_MAX_WORDS of them.

    Single letters are left out when longer words remain: the "C" of "C-000123" would match
    nearly every case, and the number is matched as a whole anyway.
    """
    words = _WORD.findall(q.lower())
    return ([word for word in words if len(word) > 1] or words)[:SEARCH_MAX_WORDS]


def _word_matches_fulltext(word: str) -> Q:
    # Each word is a prefix ("licen" finds "licence"); it is letters and digits only, so the
    # raw tsquery needs no other quoting.
    query = SearchQuery(f"'{word}':*", search_type="raw", config=SEARCH_CONFIG)
    in_case = (
        Case.objects.alias(document=SearchVector("title", "description", config=SEARCH_CONFIG))
        .filter(document=query)
        .values("pk")
    )
    in_timeline = (
        CaseEvent.objects.filter(public=True, kind__in=SEARCHED_EVENT_KINDS)
        .alias(document=SearchVector("body", config=SEARCH_CONFIG))
        .filter(document=query)
        .values("case_id")
    )
    return Q(pk__in=in_case) | Q(pk__in=in_timeline)


def _word_matches_plainly(word: str) -> Q:
    in_timeline = CaseEvent.objects.filter(
        public=True, kind__in=SEARCHED_EVENT_KINDS, body__icontains=word
    ).values("case_id")
    return Q(title__icontains=word) | Q(description__icontains=word) | Q(pk__in=in_timeline)


def case_search_q(q: str) -> Q:
    """Return the condition of a search: the number contains it, or every word appears.

    A word appears in the case's title, its description or the text of one of its public
    comments (never an internal note). PostgreSQL matches words by their start with its
    full-text indexes; SQLite, with no such index, matches them anywhere in the text.
    """
    q = q.strip()
    where = Q(number__icontains=q)
    words = search_words(q)
    if not words:
        return where
    word_q = _word_matches_fulltext if connection.vendor == "postgresql" else _word_matches_plainly
    every = Q()
    for word in words:
        every &= word_q(word)
    return where | every


def _status_q(status: str) -> Q:
    if status == ALL:
        return Q()
    if status == CLOSED:
        return ~Q(status__in=OPEN_STATUSES)
    if status in ("", OPEN):
        return Q(status__in=OPEN_STATUSES)
    return Q(status=status)


def case_list_matching(
    scope: CaseListScope,
    *,
    q: str = "",
    status: str = OPEN,
    priority: str = "",
    site: str = "",
    sort: str = CaseSort.NEWEST,
) -> QuerySet[Case]:
    """Return the scope's cases matching the list's filters, in the chosen order.

    Open cases unless `status` says otherwise ("closed", "all", or one status).
    """
    cases = (
        cases_in_scope(scope)
        .select_related("organization", "end_customer", "site", "release__product")
        .annotate(**case_row_annotations())
        .filter(_status_q(status))
    )
    if q:
        cases = cases.filter(case_search_q(q))
    if priority:
        cases = cases.filter(effective_priority=priority)
    if site:
        cases = cases.filter(site__code=site)
    return cases.order_by(*case_order(sort))


def _last_public_activity():
    """Return when a person last added something the customer sees (never an internal note).

    Not Case.last_activity_at: that one counts internal notes and assignments too, which
    a customer must not learn of.
    """
    latest = (
        CaseEvent.objects.filter(case=OuterRef("pk"), public=True, actor__isnull=False)
        .order_by("-at", "-id")
        .values("at")[:1]
    )
    return Coalesce(Subquery(latest, output_field=DateTimeField()), "received_at")


def _matching_total(cases: QuerySet[Case]) -> Subquery:
    """Return the number of matching cases, as a subquery the database runs once."""
    # Grouped by a constant, which Django leaves out of GROUP BY: one row, the whole count.
    counted = cases.order_by().values(_all=Value(1)).annotate(total=Count("pk")).values("total")
    return Subquery(counted, output_field=IntegerField())


# What a row shows, and nothing else of the rows it joins: the page's query stays narrow.
_ROW_FIELDS = (
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
    "site__code",
    "site__time_zone",
    "end_customer__name",
    "assignee__full_name",
    "calendar",
)


# Past any real page, so past the last one: read as the last page. It keeps the offset a
# database integer whatever the link says (page=99999999999999999999 must not be a 500).
MAX_PAGE_NUMBER = 1_000_000


def _page_number(number) -> int:
    try:
        return min(max(1, int(number)), MAX_PAGE_NUMBER)
    except (TypeError, ValueError):
        return 1


def case_list_page(
    scope: CaseListScope, filters: dict[str, str], number=1, *, per_page: int = CASE_PAGE_SIZE
) -> Page:
    """Return one page of the matching cases, counted, each with its last public activity.

    A page past the last one is the last page, as Paginator.get_page has it.
    """
    number = _page_number(number)
    matching = case_list_matching(scope, **filters)
    paginator = Paginator(matching, per_page)
    rows = _page_rows(scope, matching, filters, number=number, per_page=per_page)
    if not rows and number > 1:
        # Past the end (a stale link, fewer cases since): count, then read the last page.
        number = paginator.num_pages
        rows = _page_rows(scope, matching, filters, number=number, per_page=per_page)
    if rows:
        paginator.count = rows[0].matching_total
    elif number == 1:
        paginator.count = 0
    return Page(rows, number, paginator)


def _page_rows(
    scope: CaseListScope, matching: QuerySet[Case], filters, *, number: int, per_page: int
) -> list[Case]:
    # The sort runs over narrow rows (the ids); only the page's rows are read in full.
    offset = (number - 1) * per_page
    ids = matching.values("pk")[offset : offset + per_page]
    return list(
        cases_in_scope(scope)
        .select_related("site", "end_customer", "assignee", "calendar")
        .only(*_ROW_FIELDS)
        .annotate(
            **case_row_annotations(),
            matching_total=_matching_total(matching),
            last_public_activity_at=_last_public_activity(),
        )
        .filter(pk__in=ids)
        .order_by(*case_order(filters.get("sort", CaseSort.NEWEST)))
    )
