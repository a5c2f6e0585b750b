"""Filing a case: the site first, then its supported releases, then what support needs.

Without JavaScript the form works in two steps (the "Show its releases" button sends the form
back with the site chosen); with htmx the release field follows the site at once.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from cases.models import Channel
from cases.selectors import SiteFiling, site_filing_for
from cases.services import CaseNotEligible
from contracts.models import Membership, Site
from contracts.selectors import release_list_for_user, site_get_for_user, site_list_for_user
from portal.forms.cases import PRIORITY_GUIDE, CaseNewForm
from portal.permissions import WRITE_ROLES, require_member_role
from portal.services.cases import case_open_with_files
from portal.views.cases_errors import errors_into
from sla.models import Priority

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
