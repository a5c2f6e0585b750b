"""Logos uploaded by organisation admins: rewritten pixel by pixel before they are stored.

portal.models.validate_logo decides what is accepted (PNG, JPEG, GIF or WebP, at most 1 MB
and 4096 pixels a side, the name ending as the content is). A file that passes can still
carry bytes after the image, text chunks or EXIF data (a camera's GPS position, a comment
that is really HTML). Customers, not only staff, now upload logos, so what is stored is a
new file written by Pillow from the decoded pixels: the same format, the colour profile
kept, everything else dropped. An animated GIF or WebP keeps its first frame. A logo larger
than STORED_MAX_SIDE is scaled down to it: the header shows at most 160 by 40 pixels, and a
4096-pixel logo would cost every page's first visit for nothing.

Call validate_logo first: it reads the image's size from its header without decoding it,
so an image too large to decode safely is refused before these functions decode it.
"""

from __future__ import annotations

import base64
import io
from pathlib import PurePosixPath

from django.core.files.base import ContentFile
from PIL import Image, ImageOps

from portal.models import LOGO_MAX_BYTES

# Pillow format -> file extension of the rewritten file.
EXTENSIONS = {"PNG": ".png", "JPEG": ".jpg", "GIF": ".gif", "WEBP": ".webp"}
# Six times the header's logo box: sharp on any screen, and in emails, at a small file size.
STORED_MAX_SIDE = 1024
# Lossy formats are written at the first of these qualities that keeps the file within the cap.
QUALITIES = (90, 80, 70)
# Twice the header's largest logo box (portal.css .brand-logo), for sharp high-density screens.
PREVIEW_BOX = (320, 80)


def _decoded(file) -> tuple[Image.Image, str, dict]:
    """Return the decoded first frame, upright, with its format and the info worth keeping."""
    file.seek(0)
    with Image.open(file) as source:
        image_format = source.format
        keep = {
            key: source.info[key] for key in ("icc_profile", "transparency") if key in source.info
        }
        source.seek(0)
        # A phone's photo stands upright through EXIF, which the new file does not carry.
        image = ImageOps.exif_transpose(source)
        image.load()
    # Some writers copy entries of info (comments, EXIF, XMP) into the new file: keep none.
    image.info = {}
    file.seek(0)
    return image, image_format, keep


def _options(image: Image.Image, image_format: str, keep: dict) -> dict:
    options: dict = {}
    if "icc_profile" in keep and image_format in ("PNG", "JPEG", "WEBP"):
        options["icc_profile"] = keep["icc_profile"]
    if "transparency" in keep and image_format in ("PNG", "GIF") and image.mode in ("P", "L"):
        options["transparency"] = keep["transparency"]
    if image_format == "PNG":
        options["optimize"] = True
    return options


def _encoded(image: Image.Image, image_format: str, options: dict) -> bytes:
    qualities = QUALITIES if image_format in ("JPEG", "WEBP") else (None,)
    for quality in qualities:
        buffer = io.BytesIO()
        extra = {} if quality is None else {"quality": quality}
        image.save(buffer, format=image_format, **options, **extra)
        if buffer.tell() <= LOGO_MAX_BYTES:
            break
    return buffer.getvalue()


def logo_rewritten(file) -> ContentFile:
    """Return the logo rewritten from its pixels, in its own format, without any other data."""
    image, image_format, keep = _decoded(file)
    if image_format == "JPEG" and image.mode not in ("RGB", "L", "CMYK"):
        image = image.convert("RGB")
    if max(image.size) > STORED_MAX_SIDE:
        image.thumbnail((STORED_MAX_SIDE, STORED_MAX_SIDE), Image.Resampling.LANCZOS)
    data = _encoded(image, image_format, _options(image, image_format, keep))
    stem = PurePosixPath(file.name).stem or "logo"
    return ContentFile(data, name=stem + EXTENSIONS[image_format])


def logo_preview_data_url(file) -> str:
    """Return a small PNG of the logo as a data: address, for the preview before it is saved."""
    image, _format, _keep = _decoded(file)
    if image.mode not in ("RGB", "RGBA"):
        image = image.convert("RGBA")
    image.thumbnail(PREVIEW_BOX)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")
