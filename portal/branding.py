"""Which brand a request shows, and the stylesheet of each brand (DESIGN.md, Branding).

The brand comes from the request host first (so the sign-in page of a partner's portal
address is already branded), then from the signed-in person's organisation (an end
customer's people see their partner's brand), then the default brand.
"""

from __future__ import annotations

import hashlib
import threading
from functools import lru_cache
from pathlib import PurePosixPath
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.db.models import Q
from django.http import HttpRequest
from django.http.request import split_domain_port
from django.urls import reverse

from mail.services.rendering import MailBrand
from portal.colours import MIN_CONTRAST, TEXT_DARK, TEXT_LIGHT, best_text_colour, contrast_ratio
from portal.models import Brand
from portal.permissions import membership_for

CSS_CACHE_PREFIX = "portal:brand-css:"
# What the portal looks like when no default brand row exists (a fresh database).
BUILT_IN_BRAND = {
    "display_name": "CONNECT Support",
    "primary_color": "#0b5cad",
    "accent_color": "#1f7a3a",
}

_published: set[str] = set()
_published_lock = threading.Lock()


def brand_default() -> Brand:
    """Return an unsaved brand with the built-in name and colours."""
    return Brand(is_default=True, **BUILT_IN_BRAND)


def request_host(request: HttpRequest) -> str:
    """Return the request's host name, lowercase, without port."""
    domain, _port = split_domain_port(request.get_host())
    return domain.lower()


def brand_organization_id(user) -> int | None:
    """Return the organisation whose brand the user sees: its own, or its partner's."""
    membership = membership_for(user)
    if membership is None:
        return None
    organization = membership.organization
    return organization.partner_id or organization.pk


def brand_resolve(*, host: str, organization_id: int | None) -> Brand:
    """Return the brand of the host, else of the organisation, else the default (one query)."""
    condition = Q(is_default=True)
    if host:
        condition |= Q(host=host)
    if organization_id is not None:
        condition |= Q(organization_id=organization_id)
    candidates = list(Brand.objects.filter(condition))

    def rank(brand: Brand) -> int:
        if host and brand.host == host:
            return 0
        if organization_id is not None and brand.organization_id == organization_id:
            return 1
        return 2

    return min(candidates, key=rank) if candidates else brand_default()


def brand_for_request(request: HttpRequest) -> Brand:
    """Return the request's brand, resolved once per request."""
    brand = getattr(request, "_portal_brand", None)
    if brand is None:
        user = getattr(request, "user", None)
        brand = brand_resolve(
            host=request_host(request),
            organization_id=brand_organization_id(user) if user is not None else None,
        )
        request._portal_brand = brand
    return brand


def brand_home_url(request: HttpRequest) -> str | None:
    """Return the same page on the signed-in person's own address, if this is another's brand host.

    A brand's host belongs to its organisation (and the end customers it serves): anyone else
    signed in there would see that brand around their own data. Their own address is their
    brand's host, else the neutral SITE_URL, which is everyone's and costs no query. Staff and
    visitors are left where they are (None).
    """
    user = request.user
    if not user.is_authenticated or user.is_staff:
        return None
    host = request_host(request)
    if host == urlsplit(settings.SITE_URL).hostname:
        return None
    shown = brand_for_request(request)
    if shown.host != host:
        return None
    organization_id = brand_organization_id(user)
    if shown.organization_id is not None and shown.organization_id == organization_id:
        return None
    own = brand_resolve(host="", organization_id=organization_id)
    if own.pk == shown.pk:
        return None
    return brand_base_url(own) + request.get_full_path()


def brand_for_organization(organization) -> Brand:
    """Return the brand an organisation's people see when no host decides (emails)."""
    return brand_resolve(host="", organization_id=organization.partner_id or organization.pk)


def email_brand(message) -> MailBrand:
    """Return the brand an email's recipient knows: their organisation's or partner's, else ours.

    Named by settings.MAIL_BRAND, so the outbox renders every email in its reader's brand.
    Staff belong to no organisation, so their emails keep the default brand.
    """
    user = message.recipient if message.recipient_id else None
    brand = brand_resolve(
        host="", organization_id=brand_organization_id(user) if user is not None else None
    )
    base = brand_base_url(brand)
    logo = brand_logo_path(brand)
    return MailBrand(
        name=brand.display_name,
        color=brand.primary_color,
        text_color=best_text_colour(brand.primary_color)[0],
        link_color=brand_link_colour(brand.primary_color),
        # Absolute and served by the portal, not attached: mail clients fetch it like a page's.
        logo_url=f"{base}{logo}" if logo else "",
        site_url=base,
        subject_prefix=not brand.is_default,
    )


def brand_logo_path(brand: Brand) -> str:
    """Return the path of the brand's logo on the portal, or "" when it has none."""
    if not brand.logo:
        return ""
    return reverse("portal:brand_logo", kwargs={"name": PurePosixPath(brand.logo.name).name})


def brand_link_colour(primary: str) -> str:
    """Return the colour of links on an email's white page: the brand's, if readable there."""
    return primary if contrast_ratio(primary, TEXT_LIGHT) >= MIN_CONTRAST else TEXT_DARK


def brand_base_url(brand: Brand) -> str:
    """Return the portal address for links in emails: the brand's own host when it has one.

    A brand's host is served by the same deployment as SITE_URL, so it keeps SITE_URL's
    scheme and port (the demo's northwind.localhost:8000 beside 127.0.0.1:8000).
    """
    if not brand.host:
        return settings.SITE_URL.rstrip("/")
    site = urlsplit(settings.SITE_URL)
    port = f":{site.port}" if site.port else ""
    return f"{site.scheme or 'https'}://{brand.host}{port}"


@lru_cache(maxsize=512)
def brand_css(primary: str, accent: str) -> tuple[str, str]:
    """Return a brand's stylesheet and its checksum; the colours are validated #RRGGBB."""
    css = (
        ":root {\n"
        f"  --brand: {primary};\n"
        f"  --brand-contrast: {best_text_colour(primary)[0]};\n"
        f"  --accent: {accent};\n"
        f"  --accent-contrast: {best_text_colour(accent)[0]};\n"
        "}\n"
    )
    return css, hashlib.sha256(css.encode()).hexdigest()[:20]


def brand_stylesheet_checksum(brand: Brand) -> str:
    """Return the checksum naming the brand's stylesheet, publishing it in the shared cache."""
    css, checksum = brand_css(brand.primary_color, brand.accent_color)
    with _published_lock:
        known = checksum in _published
        _published.add(checksum)
    if not known:
        # Any web process may be asked for the file, so it goes to the shared cache.
        cache.add(CSS_CACHE_PREFIX + checksum, css, timeout=None)
    return checksum


def brand_stylesheet_by_checksum(checksum: str) -> str | None:
    """Return the stylesheet with this checksum, or None when no brand has it."""
    css = cache.get(CSS_CACHE_PREFIX + checksum)
    if css is not None:
        return css
    # The cache was emptied: recompute from the few brands rather than fail the page's CSS.
    colours = set(Brand.objects.values_list("primary_color", "accent_color"))
    colours.add((BUILT_IN_BRAND["primary_color"], BUILT_IN_BRAND["accent_color"]))
    for primary, accent in colours:
        css, candidate = brand_css(primary, accent)
        if candidate == checksum:
            cache.add(CSS_CACHE_PREFIX + checksum, css, timeout=None)
            return css
    return None
