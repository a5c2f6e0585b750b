"""The brand page: an organisation admin changes the brand their people see, with a preview.

The preview is the page's own form sent to brand_preview (by htmx as the fields change; by
the Preview button without JavaScript). Its colours come from a stylesheet served by
portal.views.brand.brand_preview_css, never from a style attribute (CSP, portal.middleware).
"""

from __future__ import annotations

import copy
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from contracts.models import Organization
from portal.colours import contrast_check, is_hex_colour
from portal.forms.brand_edit import BrandEditForm
from portal.logos import logo_preview_data_url
from portal.models import Brand
from portal.selectors.brands import (
    brand_draft,
    brand_is_own,
    brand_of_organization,
    brand_organization_for_admin,
)
from portal.services.brands import brand_save
from portal.templatetags.portal_tags import brand_logo_url

NAME_MAX_CHARS = Brand._meta.get_field("display_name").max_length


def _preview(form: BrandEditForm, current: Brand) -> dict:
    """Return the header the form's values would give; a value not usable yet keeps the current."""
    data = form.data if form.is_bound else {}
    name = (data.get("display_name") or "").strip()[:NAME_MAX_CHARS] or current.display_name
    colours = {}
    for field in ("primary_color", "accent_color"):
        value = (data.get(field) or "").strip().lower()
        colours[field] = value if is_hex_colour(value) else getattr(current, field)
    logo_url = brand_logo_url(current)
    if form.is_bound and form.files.get("logo") and "logo" not in form.errors:
        logo_url = logo_preview_data_url(form.files["logo"])
    elif form.is_bound and data.get("remove_logo"):
        logo_url = ""
    query = urlencode(
        {"primary": colours["primary_color"][1:], "accent": colours["accent_color"][1:]}
    )
    return {
        "form": form,
        "preview_name": name,
        "preview_logo_url": logo_url,
        "preview_stylesheet": f"{reverse('portal:brand_preview_css')}?{query}",
        "contrast_checks": [
            (Brand._meta.get_field(field).verbose_name, contrast_check(colour))
            for field, colour in colours.items()
        ],
    }


def _form(request: HttpRequest, current: Brand) -> BrandEditForm:
    # A copy: validating the form writes its values into the instance, and the page still
    # shows the brand as saved.
    if request.method == "POST":
        return BrandEditForm(request.POST, request.FILES, instance=copy.copy(current))
    return BrandEditForm(instance=copy.copy(current))


def _own_organization(request: HttpRequest) -> Organization:
    organization = brand_organization_for_admin(request.user)
    if not brand_is_own(organization):
        raise PermissionDenied("An end customer's people see its partner's brand.")
    return organization


@require_http_methods(["GET", "POST"])
@login_required
def brand_edit(request: HttpRequest) -> HttpResponse:
    """Show the organisation's brand and its preview; save the form when it is valid."""
    organization = brand_organization_for_admin(request.user)
    if not brand_is_own(organization):
        if request.method != "GET":
            raise PermissionDenied("An end customer's people see its partner's brand.")
        return render(request, "portal/brand_partner.html", {"partner": organization.partner})
    brand = brand_of_organization(organization)
    current = brand or brand_draft(organization)
    form = _form(request, current)
    context = {"organization": organization, "own_brand": brand, "current": current}
    # A page sent back cannot fill the file field again: say so when a logo was chosen.
    context["logo_not_kept"] = bool(request.FILES.get("logo"))
    if request.method == "GET" or "preview" in request.POST:
        return render(request, "portal/brand_edit.html", {**context, **_preview(form, current)})
    if form.is_valid():
        try:
            brand_save(organization, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, _("Brand saved: your people see it from their next page."))
            return redirect("portal:brand_edit")
    context.update(_preview(form, current))
    return render(request, "portal/brand_edit.html", context, status=400)


@require_POST
@login_required
def brand_preview(request: HttpRequest) -> HttpResponse:
    """Answer the preview of the form's values (an htmx partial); nothing is saved."""
    organization = _own_organization(request)
    current = brand_of_organization(organization) or brand_draft(organization)
    form = _form(request, current)
    form.is_valid()
    context = {**_preview(form, current), "partial": True}
    return render(request, "portal/_brand_preview.html", context)
