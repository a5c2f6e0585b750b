"""Filing a case: the site first, then its supported releases, then what support needs.

Without JavaScript the form works in two steps (the "Show its releases" button sends the form
back with the site chosen); with htmx the release field follows the site at once. A panel
shows what filing now would promise (the due instants of both clocks, SLP-5, SLP-6, SLP-8),
computed by the intake's own clock code and updated by htmx as the site or priority changes.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from cases.models import Channel
from cases.selectors import SiteFiling, site_filing_for
from cases.services import CaseNotEligible
from cases.services.promise import case_promise, promise_text
from contracts.models import Membership, Site
from contracts.selectors import release_list_for_user, site_get_for_user, site_list_for_user
from portal.forms.cases import PRIORITY_GUIDE, CaseNewForm
from portal.permissions import WRITE_ROLES, filing_route, require_member_role
from portal.services.cases import case_open_with_files
from portal.views.cases_errors import errors_into
from sla.models import Priority
from sla.services.describe import calendar_description

# Fields of the form the services name differently.
_SERVICE_FIELDS = {"file": "attachments", "reporter": "site", "end_customer": "site"}


def _form(request: HttpRequest, membership: Membership, sites: list[Site], **kwargs) -> CaseNewForm:
    return CaseNewForm(
        sites=sites,
        own=membership.organization,
        releases=release_list_for_user(request.user),
        **kwargs,
    )


def _chosen_site(form: CaseNewForm) -> Site | None:
    code = form.data.get("site") if form.is_bound else form.initial.get("site")
    return form.sites.get(code or "")


def _chosen_priority(form: CaseNewForm) -> str:
    source = form.data if form.is_bound else form.initial
    return str(source.get("proposed_priority") or "")


def _promise_context(filing: SiteFiling | None, priority: str) -> dict:
    """Return what the promise panel shows: filing now, in the viewer's time zone."""
    if filing is None or priority not in Priority.values:
        return {"promise_asked": False}
    if filing.reasons:
        # The intake would refuse the case (no active contract...): nothing to promise.
        return {"promise_asked": True, "promise_refused": True}
    promise = case_promise(site=filing.site, priority=priority, now=timezone.now())
    zone = timezone.get_current_timezone()
    return {
        "promise_asked": True,
        "promise": promise,
        "promise_text": promise_text(promise, zone=zone) if promise else None,
        "promise_hours": calendar_description(promise.calendar) if promise else "",
    }


def _file(form: CaseNewForm, membership: Membership, filing: SiteFiling, user):
    data = form.cleaned_data
    return case_open_with_files(
        files=data["attachments"],
        reporter=user,
        organization=membership.organization,
        site=data["site"],
        release=data["release"],
        patch=filing.patch_for(data["release"]),
        title=data["title"],
        description=data["description"],
        environment=data["environment"],
        steps=data["steps"],
        business_impact=data["business_impact"],
        proposed_priority=data["proposed_priority"],
        topic=data["topic"],
        channel=Channel.PORTAL,
    )


@require_http_methods(["GET", "POST"])
@login_required
def case_new(request: HttpRequest) -> HttpResponse:
    """Show the new-case form, and file the case; a refusal says why and where to go."""
    membership = require_member_role(request.user, *WRITE_ROLES)
    route = filing_route(request.user)
    if not route.may_file:
        # An end customer served through a partner (or a suspended organisation): the
        # intake would refuse every case, so the page says whom to ask instead (SLP-1).
        context = {"route": route, "organization": membership.organization}
        status = 403 if request.method == "POST" else 200
        return render(request, "portal/cases/new.html", context, status=status)
    sites = list(site_list_for_user(request.user))
    refusal, status = None, 200
    if request.method == "POST" and request.POST.get("action") != "choose_site":
        form = _form(request, membership, sites, data=request.POST, files=request.FILES)
        if form.is_valid():
            filing = site_filing_for(form.cleaned_data["site"], organization=None)
            try:
                case = _file(form, membership, filing, request.user)
            except CaseNotEligible as exc:
                refusal = exc.reasons
            except ValidationError as exc:
                errors_into(form, exc, _SERVICE_FIELDS)
            else:
                messages.success(
                    request,
                    _("Case %(number)s is received. We sent you a confirmation by email.")
                    % {"number": case.number},
                )
                return redirect("cases:detail", number=case.number)
        status = 400
    else:
        # The first step (or a refresh of it) keeps what was typed, without complaining yet.
        source = request.POST if request.method == "POST" else request.GET
        initial = {key: source.get(key) for key in CaseNewForm.base_fields if key in source}
        form = _form(request, membership, sites, initial=initial)
    return _render(request, form, membership, refusal=refusal, status=status)


def _render(
    request: HttpRequest, form: CaseNewForm, membership: Membership, *, refusal, status: int
) -> HttpResponse:
    site = _chosen_site(form)
    filing = site_filing_for(site, organization=membership.organization) if site else None
    release = form.data.get("release") if form.is_bound else form.initial.get("release")
    context = {
        "form": form,
        "filing": filing,
        "selected_release": str(release or ""),
        # Each radio button with the SLP-4 class, meaning and example it stands for.
        "priority_choices": [
            (radio, *PRIORITY_GUIDE[Priority(radio.data["value"])])
            for radio in form["proposed_priority"]
        ],
        "refusal": refusal,
        "organization": membership.organization,
        **_promise_context(filing, _chosen_priority(form)),
    }
    return render(request, "portal/cases/new.html", context, status=status)


@require_GET
@login_required
def case_new_releases(request: HttpRequest) -> HttpResponse:
    """Answer htmx with the release field of a site: its supported releases and any warning."""
    code = request.GET.get("site", "")
    # Whose site it is first (404 for another tenant's, as everywhere), then the role (403).
    site = site_get_for_user(request.user, code) if code else None
    membership = require_member_role(request.user, *WRITE_ROLES)
    filing = site_filing_for(site, organization=membership.organization) if site else None
    context = {"filing": filing, "selected_release": request.GET.get("release", "")}
    return render(request, "portal/cases/_release_field.html", context)


@require_GET
@login_required
def case_new_promise(request: HttpRequest) -> HttpResponse:
    """Answer htmx with the promise panel: when support would answer a case filed now."""
    code = request.GET.get("site", "")
    # As for the releases: another tenant's site is 404, then a weaker role 403.
    site = site_get_for_user(request.user, code) if code else None
    membership = require_member_role(request.user, *WRITE_ROLES)
    priority = request.GET.get("proposed_priority", "")
    asked = site is not None and priority in Priority.values
    filing = site_filing_for(site, organization=membership.organization) if asked else None
    return render(request, "portal/cases/_promise.html", _promise_context(filing, priority))
