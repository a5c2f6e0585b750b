"""Portal pages of software updates: notices, preferences, what each site runs."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from contracts.models import Patch, Release, Site, SiteRelease
from contracts.selectors import site_get_for_user
from contracts.services.site_releases import site_release_remove, site_release_save
from mail.services.preferences import contact_preference_opted_out, contact_preference_set
from notices.selectors import update_notice_get_for_user, update_notice_list_for_user
from notices.services.reads import update_notice_mark_read
from portal.permissions import ADMIN_ROLES, has_member_role, require_member_role


@login_required
def updates_list(request: HttpRequest) -> HttpResponse:
    """List the notices about the user's sites, newest first, with the sites concerned."""
    context = {
        "notices": update_notice_list_for_user(request.user),
        "opted_out": contact_preference_opted_out(request.user),
    }
    return render(request, "portal/updates.html", context)


@login_required
def updates_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Show one notice about the user's sites and mark it read."""
    notice = update_notice_get_for_user(request.user, pk)
    update_notice_mark_read(notice=notice, user=request.user)
    return render(request, "portal/update_detail.html", {"notice": notice})


@login_required
@require_POST
def updates_preferences(request: HttpRequest) -> HttpResponse:
    """Turn scheduled update notices off or on for the signed-in person."""
    opt_out = request.POST.get("scheduled_updates") != "on"
    contact_preference_set(user=request.user, scheduled_updates_opt_out=opt_out)
    if opt_out:
        messages.success(request, _("You no longer receive scheduled update notices by email."))
    else:
        messages.success(request, _("You receive scheduled update notices by email again."))
    return redirect("updates_list")


class SiteReleaseForm(forms.ModelForm):
    """A release a site runs; the model refuses a patch of another release."""

    class Meta:
        model = SiteRelease
        fields = ["release", "patch", "seats"]

    def __init__(self, *args, site: Site, **kwargs) -> None:
        super().__init__(*args, instance=SiteRelease(site=site), **kwargs)
        self.fields["release"].queryset = Release.objects.select_related("product")
        self.fields["patch"].queryset = Patch.objects.select_related("release__product")

    def validate_unique(self) -> None:
        # Saving a release the site already records updates it (site_release_save).
        return


def _site_runs(site: Site) -> list[SiteRelease]:
    return list(site.site_releases.select_related("release__product", "patch"))


@login_required
def site_releases_edit(request: HttpRequest, code: str) -> HttpResponse:
    """Show what one of the user's sites runs; its organisation's admins keep it current."""
    site = site_get_for_user(request.user, code)
    may_edit = has_member_role(request.user, *ADMIN_ROLES)
    form = SiteReleaseForm(site=site)
    if request.method == "POST":
        require_member_role(request.user, *ADMIN_ROLES)
        form = SiteReleaseForm(request.POST, site=site)
        if form.is_valid():
            data = form.cleaned_data
            run = site_release_save(
                site=site, release=data["release"], patch=data["patch"], seats=data["seats"]
            )
            saved = _("Saved: %(site)s runs %(run)s.") % {"site": site.code, "run": run}
            messages.success(request, saved)
            return redirect("updates_site_releases", code=site.code)
    context = {"site": site, "runs": _site_runs(site), "form": form, "may_edit": may_edit}
    return render(request, "portal/site_releases.html", context)


@login_required
@require_POST
def site_release_delete(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """Forget a release one of the user's sites no longer runs (organisation admins)."""
    site = site_get_for_user(request.user, code)
    require_member_role(request.user, *ADMIN_ROLES)
    run = get_object_or_404(SiteRelease, pk=pk, site=site)
    site_release_remove(site_release=run)
    messages.success(
        request, _("Removed %(run)s from %(site)s.") % {"run": run.release, "site": site.code}
    )
    return redirect("updates_site_releases", code=site.code)
