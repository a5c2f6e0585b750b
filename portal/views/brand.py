"""Public brand assets: each brand's stylesheet and logo, and the brand page's preview colours."""

from __future__ import annotations

import re
from pathlib import PurePosixPath

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from portal.branding import brand_stylesheet_by_checksum
from portal.colours import colour_variables
from portal.models import LOGO_CONTENT_TYPES, Brand

# Both addresses change when the content does (checksum, random file name), so they never expire.
IMMUTABLE = "public, max-age=31536000, immutable"
LOGO_NAME = re.compile(r"^[0-9a-f]{32}\.(png|jpe?g|gif|webp)$")
# portal.branding.brand_css names stylesheets by 20 hex digits; anything else is no lookup.
CHECKSUM = re.compile(r"^[0-9a-f]{20}$")
# A preview colour in the query string: six hex digits, the # left out of the address.
PREVIEW_COLOUR = re.compile(r"[0-9a-fA-F]{6}")


@require_GET
def brand_css(request: HttpRequest, checksum: str) -> HttpResponse:
    """Serve the stylesheet of the brand colours with this checksum."""
    css = brand_stylesheet_by_checksum(checksum) if CHECKSUM.match(checksum) else None
    if css is None:
        raise Http404("No such stylesheet")
    response = HttpResponse(css, content_type="text/css; charset=utf-8")
    response["Cache-Control"] = IMMUTABLE
    return response


@require_GET
def brand_logo(request: HttpRequest, name: str) -> FileResponse:
    """Serve a brand's logo; only files a brand points at, never other uploads."""
    if not LOGO_NAME.match(name):
        raise Http404("No such logo")
    stored = f"brands/{name}"
    if not Brand.objects.filter(logo=stored).exists() or not default_storage.exists(stored):
        raise Http404("No such logo")
    content_type = LOGO_CONTENT_TYPES[PurePosixPath(name).suffix]
    response = FileResponse(default_storage.open(stored, "rb"), content_type=content_type)
    response["Cache-Control"] = IMMUTABLE
    return response


@require_GET
def brand_preview_css(request: HttpRequest) -> HttpResponse:
    """Serve colours not saved yet, scoped to the brand page's preview (?primary=&accent=).

    The page's Content-Security-Policy allows no style attribute, so the preview's colours
    come from this file; they apply inside .brand-preview only, never to the page around it.
    """
    primary, accent = request.GET.get("primary", ""), request.GET.get("accent", "")
    if not (PREVIEW_COLOUR.fullmatch(primary) and PREVIEW_COLOUR.fullmatch(accent)):
        raise Http404("No such colours")
    variables = colour_variables(f"#{primary}", f"#{accent}")
    css = ".brand-preview {\n" + "".join(f"  {k}: {v};\n" for k, v in variables.items()) + "}\n"
    response = HttpResponse(css, content_type="text/css; charset=utf-8")
    # The content is a function of the address alone.
    response["Cache-Control"] = IMMUTABLE
    return response
