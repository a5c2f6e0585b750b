"""The brand each organisation's people see: colours, logo, host name."""

from __future__ import annotations

import re
import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

from common.limits import BRAND_NAME_MAX_CHARS
from contracts.models import Organization
from portal.colours import best_text_colour, is_hex_colour, readable_text_colour

LOGO_MAX_BYTES = 1024 * 1024
LOGO_MAX_SIDE = 4096
# Pillow format -> file extensions accepted for it. No SVG: it can carry script.
LOGO_FORMATS = {
    "PNG": {".png"},
    "JPEG": {".jpg", ".jpeg"},
    "GIF": {".gif"},
    "WEBP": {".webp"},
}
LOGO_CONTENT_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
}
HOST_NAME = re.compile(
    r"^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$",
    re.IGNORECASE,
)


def validate_brand_colour(value: str) -> None:
    """Refuse a value that is not #RRGGBB or on which no text colour reaches WCAG AA."""
    if not is_hex_colour(value):
        raise ValidationError(
            _("Enter a colour as # and six hexadecimal digits, such as #0b5cad."),
            code="bad_colour",
        )
    if readable_text_colour(value) is None:
        _text, ratio = best_text_colour(value)
        raise ValidationError(
            _(
                "Text on %(colour)s would be hard to read: neither white nor black text "
                "reaches a contrast of 4.5:1 (best %(ratio)s:1). Choose a darker or lighter colour."
            ),
            params={"colour": value, "ratio": f"{ratio:.2f}"},
            code="low_contrast",
        )


def validate_host_name(value: str) -> None:
    """Refuse anything but a bare host name (no scheme, port or path)."""
    if not HOST_NAME.match(value):
        raise ValidationError(
            _(
                "Enter a host name only, such as support.partner.example (no https://, port or path)."
            ),
            code="bad_host",
        )


def validate_logo(file) -> None:
    """Refuse a logo that is too big, not a PNG, JPEG, GIF or WebP image, or damaged."""
    if file.size > LOGO_MAX_BYTES:
        raise ValidationError(_("The logo must be 1 MB or smaller."), code="logo_too_big")
    extension = PurePosixPath(file.name).suffix.lower()
    try:
        file.seek(0)
        with Image.open(file) as image:
            image_format, size = image.format, image.size
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError(
            _("The logo is not a readable image: upload a PNG, JPEG, GIF or WebP file."),
            code="logo_unreadable",
        ) from None
    finally:
        file.seek(0)
    if extension not in LOGO_FORMATS.get(image_format, set()):
        raise ValidationError(
            _("The logo must be a PNG, JPEG, GIF or WebP file whose name ends as its type does."),
            code="logo_format",
        )
    if max(size) > LOGO_MAX_SIDE:
        raise ValidationError(
            _("The logo must be at most %(side)s pixels wide and high."),
            params={"side": LOGO_MAX_SIDE},
            code="logo_too_large",
        )


def logo_upload_to(instance: Brand, filename: str) -> str:
    """Store logos under a random name: nothing of the uploader's file name reaches a URL."""
    return f"brands/{uuid.uuid4().hex}{PurePosixPath(filename).suffix.lower()}"


class Brand(models.Model):
    """How the portal looks for one organisation's people, or for everyone (the default)."""

    organization = models.OneToOneField(
        Organization,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="brand",
        help_text=_("Its people, and the people of the end customers it serves, see this brand."),
    )
    is_default = models.BooleanField(
        _("default brand"),
        default=False,
        help_text=_("Shown when neither the host name nor the organisation has a brand."),
    )
    display_name = models.CharField(_("display name"), max_length=BRAND_NAME_MAX_CHARS)
    logo = models.ImageField(
        _("logo"),
        upload_to=logo_upload_to,
        blank=True,
        validators=[validate_logo],
        help_text=_("PNG, JPEG, GIF or WebP, at most 1 MB; shown on the sign-in page too."),
    )
    primary_color = models.CharField(
        _("primary colour"),
        max_length=7,
        default="#0b5cad",
        validators=[validate_brand_colour],
        help_text=_("Header and buttons; white or black text is chosen to stay readable."),
    )
    accent_color = models.CharField(
        _("accent colour"),
        max_length=7,
        default="#1f7a3a",
        validators=[validate_brand_colour],
        help_text=_("Highlights and badges; must be readable under white or black text too."),
    )
    host = models.CharField(
        _("portal host name"),
        max_length=253,
        blank=True,
        validators=[validate_host_name],
        help_text=_(
            "Optional, such as support.partner.example: the portal shows this brand on that "
            "address, even before sign-in. The host must also be in ALLOWED_HOSTS."
        ),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # Who saved the brand last: an organisation admin on the brand page, or staff in the admin.
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )

    class Meta:
        verbose_name = _("brand")
        verbose_name_plural = _("brands")
        ordering = ["-is_default", "display_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=Q(is_default=True),
                name="brand_one_default",
                violation_error_message=_("There is already a default brand."),
            ),
            models.UniqueConstraint(
                fields=["host"],
                condition=~Q(host=""),
                name="brand_unique_host",
                violation_error_message=_("Another brand already uses this host name."),
            ),
            models.CheckConstraint(
                name="brand_default_xor_organization",
                condition=Q(is_default=True, organization__isnull=True)
                | Q(is_default=False, organization__isnull=False),
                violation_error_message=_(
                    "A brand belongs to one organisation, or is the default brand of nobody."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    def clean(self) -> None:
        # Stored lowercase, so host lookups and colour checksums compare equal.
        self.host = self.host.strip().lower()
        self.primary_color = self.primary_color.lower()
        self.accent_color = self.accent_color.lower()

    @property
    def primary_text_color(self) -> str:
        return best_text_colour(self.primary_color)[0]

    @property
    def accent_text_color(self) -> str:
        return best_text_colour(self.accent_color)[0]
