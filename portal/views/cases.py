"""The case list, its CSV export and a person's saved filters: the same filters, the same cases.

The list reads what the person may see once (case_list_scope): the site filter's choices and
the organisations its cases belong to; the page is one query besides (case_list_page).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta, tzinfo
from itertools import chain
from urllib.parse import urlsplit

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    QueryDict,
    StreamingHttpResponse,
)
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cases.models import Case
from common.spreadsheets import csv_lines
from portal.forms.cases import CaseFilterForm
from portal.models import SavedFilter
from portal.permissions import filing_route
from portal.selectors.case_list import (
    CaseListScope,
    case_list_matching,
    case_list_page,
    case_list_scope,
)
from portal.selectors.saved_filters import saved_filter_links_for_user
from portal.services.saved_filters import saved_filter_delete, saved_filter_save

# Activity within this reads "3 hours ago"; older activity shows its date.
RECENT_ACTIVITY = timedelta(days=1)


def _filter_form(data: QueryDict | None, scope: CaseListScope) -> CaseFilterForm:
    return CaseFilterForm(data or None, sites=scope.sites)


@require_GET
@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    """List the user's cases (open ones first) with filters and search; htmx gets the results."""
    scope = case_list_scope(request.user)
    form = _filter_form(request.GET, scope)
    filters = form.filters()
    context = {
        "form": form,
        "page": case_list_page(scope, filters, request.GET.get("page")),
        "filtered": bool(filters.keys() - {"sort"}),
        "current_query": form.query_string(),
        "recent_since": timezone.now() - RECENT_ACTIVITY,
    }
    # The results only for a filter change; a boosted link or the back button (htmx asking
    # for a page its history cache lost) needs the whole page.
    headers = request.headers
    partial = headers.get("HX-Request") and not (
        headers.get("HX-Boosted") or headers.get("HX-History-Restore-Request")
    )
    if not partial:
        context["saved_filters"] = saved_filter_links_for_user(request.user)
        context["filing"] = filing_route(request.user)
    template = "portal/cases/_results.html" if partial else "portal/cases/list.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _list_url(query: str) -> str:
    url = reverse("cases:list")
    return f"{url}?{query}" if query else url


def _canonical_query(request: HttpRequest, query: str) -> tuple[CaseFilterForm, str]:
    # Only the list's valid filters survive: the redirect always stays on the list.
    form = _filter_form(QueryDict(query.removeprefix("?")), case_list_scope(request.user))
    return form, form.query_string()


@require_POST
@login_required
def saved_filter_save_view(request: HttpRequest) -> HttpResponse:
    """Save the list's current filters under a name, as one of the person's own filters."""
    form, query = _canonical_query(request, request.POST.get("query", ""))
    try:
        saved, created = saved_filter_save(
            owner=request.user, name=request.POST.get("name", ""), filters=form.filters()
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return HttpResponseRedirect(_list_url(query))
    done = _("Filter “%(name)s” saved.") if created else _("Filter “%(name)s” updated.")
    messages.success(request, done % {"name": saved.name})
    return HttpResponseRedirect(_list_url(query))


@require_POST
@login_required
def saved_filter_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Delete one of the person's own saved filters (another's answers 404)."""
    try:
        saved = saved_filter_delete(owner=request.user, pk=pk)
    except SavedFilter.DoesNotExist:
        raise Http404("No such saved filter") from None
    messages.success(request, _("Filter “%(name)s” deleted.") % {"name": saved.name})
    # Back to the filters the list showed (the page's address, which htmx keeps current).
    _form, query = _canonical_query(request, urlsplit(request.headers.get("Referer", "")).query)
    return HttpResponseRedirect(_list_url(query))


def _instant(value: datetime | None) -> str:
    return timezone.localtime(value).isoformat(timespec="minutes") if value else ""


def _row(case: Case) -> list[str]:
    return [
        case.number,
        case.title,
        case.get_status_display(),
        case.effective_priority,
        case.organization.name,
        case.end_customer.name if case.end_customer else "",
        case.site.code,
        str(case.release),
        _instant(case.received_at),
        case.get_response_state_display(),
        _instant(case.response_due_at),
        case.get_resolution_state_display(),
        _instant(case.resolution_due_at),
        case.get_escalation_level_display(),
    ]


def _header() -> list[str]:
    return [
        _("Number"),
        _("Title"),
        _("Status"),
        _("Priority"),
        _("Organisation"),
        _("End customer"),
        _("Site"),
        _("Release"),
        _("Received"),
        _("Response clock"),
        _("Response due"),
        _("Resolution clock"),
        _("Resolution due"),
        _("Escalation"),
    ]


def _csv_lines(cases, *, language: str, zone: tzinfo) -> Iterator[str]:
    # Rows are written while the response streams, after the view returned: keep the
    # reader's language and time zone for all of them.
    with translation.override(language), timezone.override(zone):
        rows = (_row(case) for case in cases.iterator(chunk_size=500))
        yield from csv_lines(chain([_header()], rows))


@require_GET
@login_required
def case_export(request: HttpRequest) -> StreamingHttpResponse:
    """Stream the cases the list shows under the current filters (every page) as CSV."""
    scope = case_list_scope(request.user)
    cases = case_list_matching(scope, **_filter_form(request.GET, scope).filters())
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    lines = _csv_lines(
        cases, language=translation.get_language(), zone=timezone.get_current_timezone()
    )
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="cases-{stamp}.csv"'
    response["Cache-Control"] = "private, no-store"
    return response
