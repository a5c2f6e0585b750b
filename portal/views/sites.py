"""Sites and contracts pages: coverage, expiry and the releases each site runs (SLP-2, SLP-3)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from contracts.services.releases import SupportStatus
from portal.permissions import membership_for
from portal.selectors.sites import (
    EXPIRING_SOON_DAYS,
    contract_rows_for_user,
    site_row_get_for_user,
    site_rows_for_user,
)
from sla.services.calendars import calendar_for_site


def _partner_name(user) -> str | None:
    membership = membership_for(user)
    if membership is None or not membership.organization.partner_id:
        return None
    return membership.organization.partner.name


@login_required
@require_GET
def site_list(request: HttpRequest) -> HttpResponse:
    """List the user's sites with contract status, expiry and the releases they run."""
    context = {
        "rows": site_rows_for_user(request.user),
        "partner_name": _partner_name(request.user),
        "expiring_days": EXPIRING_SOON_DAYS,
    }
    return render(request, "portal/site_list.html", context)


@login_required
@require_GET
def site_detail(request: HttpRequest, code: str) -> HttpResponse:
    """Show one of the user's sites: address, zone, calendar, contracts, releases."""
    row = site_row_get_for_user(request.user, code)
    context = {
        "row": row,
        "site": row.site,
        "calendar": calendar_for_site(row.site),
        "statuses": SupportStatus,
    }
    return render(request, "portal/site_detail.html", context)


@login_required
@require_GET
def contract_list(request: HttpRequest) -> HttpResponse:
    """List the user's contracts: holder, sites, dates, status, expiring soon."""
    context = {
        "contracts": contract_rows_for_user(request.user),
        "expiring_days": EXPIRING_SOON_DAYS,
    }
    return render(request, "portal/contract_list.html", context)
