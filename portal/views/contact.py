"""The contact page: the channels of SLP-13, their hours in the viewer's time zone, holidays."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from contracts.models import Site
from contracts.selectors import site_list_for_user
from portal.channels import HOLIDAY_HORIZON_DAYS, phone_lines, site_hours
from portal.forms.contact import SiteChoiceForm
from portal.permissions import membership_for


def _default_site(user, sites: list[Site]) -> Site | None:
    """Return the first site of the user's own organisation, else the first visible one."""
    membership = membership_for(user)
    own = [s for s in sites if membership and s.organization_id == membership.organization_id]
    return (own or sites or [None])[0]


@login_required
@require_GET
def contact(request: HttpRequest) -> HttpResponse:
    """Show how to reach support, whether it is open now and the coming holidays."""
    sites = list(site_list_for_user(request.user))
    form = SiteChoiceForm(request.GET or None, sites=sites)
    site = _default_site(request.user, sites)
    # A code that is not one of the user's sites is an error on the field, never a lookup.
    if form.is_bound and form.is_valid() and form.cleaned_data["site"]:
        site = next(s for s in sites if s.code == form.cleaned_data["site"])
    elif site is not None and not form.is_bound:
        form = SiteChoiceForm(initial={"site": site.code}, sites=sites)
    now = timezone.now()
    context = {
        "form": form,
        "site": site,
        "sites": sites,
        "lines": phone_lines(site=site, now=now),
        "hours": site_hours(site, now=now) if site is not None else None,
        "horizon_days": HOLIDAY_HORIZON_DAYS,
        "now": now,
    }
    return render(request, "portal/contact.html", context)
