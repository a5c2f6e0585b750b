"""The start page: the cases that need attention, the latest news, contracts ending soon."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from portal.permissions import filing_route
from portal.selectors.cases import dashboard_for_user
from portal.selectors.sites import EXPIRING_SOON_DAYS


@require_GET
@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """Show open cases with their SLA countdowns, cases waiting on us, news and expiries."""
    context = {
        "board": dashboard_for_user(request.user),
        # "File a new case" only where the intake could accept it; else whom to ask (SLP-1).
        "filing": filing_route(request.user),
        "expiring_days": EXPIRING_SOON_DAYS,
    }
    return render(request, "portal/dashboard.html", context)
