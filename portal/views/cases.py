"""The case list and its CSV export: the same filters, the same visible cases."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, tzinfo
from itertools import chain

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from cases.models import Case
from common.spreadsheets import csv_lines
from contracts.selectors import site_list_for_user
from portal.forms.cases import CaseFilterForm
from portal.permissions import WRITE_ROLES, has_member_role
from portal.selectors.cases import CASE_PAGE_SIZE, case_list_filtered


def _filter_form(request: HttpRequest) -> CaseFilterForm:
    return CaseFilterForm(request.GET or None, sites=site_list_for_user(request.user))


@require_GET
@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    """List the user's cases with filters, search, sort and pages; htmx gets the results only."""
    form = _filter_form(request)
    filters = form.filters()
    cases = case_list_filtered(request.user, **filters)
    page = Paginator(cases, CASE_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "filtered": bool(filters.keys() - {"sort"}),
        "may_write": has_member_role(request.user, *WRITE_ROLES),
    }
    partial = request.headers.get("HX-Request") and not request.headers.get("HX-Boosted")
    template = "portal/cases/_results.html" if partial else "portal/cases/list.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


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
    form = _filter_form(request)
    filters = form.filters()
    cases = case_list_filtered(request.user, **filters)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    lines = _csv_lines(
        cases, language=translation.get_language(), zone=timezone.get_current_timezone()
    )
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="cases-{stamp}.csv"'
    response["Cache-Control"] = "private, no-store"
    return response
