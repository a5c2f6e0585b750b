"""Template tags of the portal layout: the brand, its stylesheet and logo, the navigation."""

from __future__ import annotations

from pathlib import PurePosixPath

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from portal.branding import brand_default, brand_for_request, brand_stylesheet_checksum
from portal.models import Brand
from portal.permissions import ADMIN_ROLES, has_member_role

register = template.Library()

# (URL name, label, who sees it). A name another app has not added yet is simply left out.
NAV = (
    ("home", _("Dashboard"), "member"),
    ("cases:list", _("Cases"), "member"),
    ("portal:site_list", _("Sites"), "member"),
    ("portal:contract_list", _("Contracts"), "member"),
    ("portal:release_list", _("Releases"), "member"),
    ("updates_list", _("Updates"), "member"),
    ("portal:team", _("Team"), "admin"),
    ("portal:contact", _("Contact"), "member"),
    ("portal:profile", _("Profile"), "member"),
)


def url_or_none(name: str, *args) -> str | None:
    """Return the URL of a pattern name, or None when no such pattern exists (yet)."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


@register.simple_tag(takes_context=True)
def portal_brand(context) -> Brand:
    """Return the page's brand; the default one when rendered without a request."""
    request = context.get("request")
    return brand_for_request(request) if request is not None else brand_default()


@register.simple_tag
def brand_stylesheet_url(brand: Brand) -> str:
    """Return the address of the brand's stylesheet, named by its checksum."""
    return reverse("portal:brand_css", kwargs={"checksum": brand_stylesheet_checksum(brand)})


@register.simple_tag
def brand_logo_url(brand: Brand) -> str:
    """Return the address of the brand's logo, or an empty string when it has none."""
    if not brand.logo:
        return ""
    return reverse("portal:brand_logo", kwargs={"name": PurePosixPath(brand.logo.name).name})


@register.simple_tag(takes_context=True)
def portal_nav(context) -> list[dict]:
    """Return the main navigation for the signed-in person, the current page marked."""
    request = context.get("request")
    user = context.get("user")
    if request is None or user is None or not user.is_authenticated:
        return []
    is_admin = has_member_role(user, *ADMIN_ROLES)
    items = []
    for name, label, audience in NAV:
        url = url_or_none(name)
        if url is None or (audience == "admin" and not is_admin):
            continue
        current = request.path == url if url == "/" else request.path.startswith(url)
        items.append({"url": url, "label": label, "current": current})
    return items
