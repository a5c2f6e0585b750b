"""Writes of the brand page: an organisation admin saves the organisation's own brand.

The host name, the default flag and the organisation stay with staff (the admin): this
service never changes them.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from contracts.models import Organization, User
from portal.logos import logo_rewritten
from portal.models import Brand, validate_logo
from portal.selectors.brands import brand_is_own


def brand_save(
    organization: Organization,
    *,
    by: User,
    display_name: str,
    primary_color: str,
    accent_color: str,
    logo=None,
    remove_logo: bool = False,
) -> Brand:
    """Create or change the organisation's brand; a new logo is stored rewritten (portal.logos).

    Raises ValidationError for a value the brand refuses (colours without readable text, a
    logo that is not a safe image) and for an end customer, whose people see its partner's brand.
    """
    if not brand_is_own(organization):
        raise ValidationError(
            _("Your portal shows the brand of the partner serving you: ask them to change it."),
            code="partner_brand",
        )
    if logo is not None:
        # Checked before decoding: the size and dimensions come from the file's header.
        validate_logo(logo)
        logo = logo_rewritten(logo)
    try:
        with transaction.atomic():
            brand = _save(
                organization,
                by=by,
                values={
                    "display_name": display_name,
                    "primary_color": primary_color,
                    "accent_color": accent_color,
                },
                logo=logo,
                remove_logo=remove_logo,
            )
    except IntegrityError:
        # Two admins creating the organisation's first brand at the same instant.
        raise ValidationError(
            _("Someone else saved the brand at the same moment: check it and save again."),
            code="concurrent",
        ) from None
    return brand


def _save(organization: Organization, *, by: User, values: dict, logo, remove_logo: bool) -> Brand:
    brand = Brand.objects.select_for_update().filter(organization=organization).first()
    if brand is None:
        brand = Brand(organization=organization)
    old_logo = brand.logo.name if brand.logo else ""
    for field, value in values.items():
        setattr(brand, field, value)
    if logo is not None:
        brand.logo = logo
    elif remove_logo:
        brand.logo = ""
    brand.updated_by = by
    brand.full_clean()
    try:
        brand.save()
    except IntegrityError:
        # Saving stored the new logo's file before the row failed: do not leave it behind.
        if logo is not None and brand.logo.name:
            default_storage.delete(brand.logo.name)
        raise
    if old_logo and old_logo != brand.logo.name:
        # Logo names are random and belong to one brand: nothing else serves the old file.
        transaction.on_commit(lambda: default_storage.delete(old_logo))
    return brand
