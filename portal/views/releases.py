"""The releases page: current, previous, unsupported and upcoming, with patches (SLP-2)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from contracts.services.releases import SUPPORTED
from portal.selectors.sites import release_overview_for_user


@login_required
@require_GET
def release_list(request: HttpRequest) -> HttpResponse:
    """Show each product's releases by support status, with their patches and dates."""
    today = timezone.localdate()
    context = {
        "products": release_overview_for_user(request.user, on=today),
        "today": today,
        "supported": SUPPORTED,
    }
    return render(request, "portal/release_list.html", context)
