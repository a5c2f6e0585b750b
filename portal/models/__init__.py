"""Models of the portal, one module per concern; migrations name them through this package."""

from portal.models.brands import (
    LOGO_CONTENT_TYPES,
    LOGO_FORMATS,
    LOGO_MAX_BYTES,
    LOGO_MAX_SIDE,
    Brand,
    logo_upload_to,
    validate_brand_colour,
    validate_host_name,
    validate_logo,
)
from portal.models.idempotency import IdempotencyKey as IdempotencyKey
from portal.models.saved_filters import SavedFilter as SavedFilter
from portal.models.tokens import ApiToken as ApiToken

__all__ = [
    "LOGO_CONTENT_TYPES",
    "LOGO_FORMATS",
    "LOGO_MAX_BYTES",
    "LOGO_MAX_SIDE",
    "Brand",
    "logo_upload_to",
    "validate_brand_colour",
    "validate_host_name",
    "validate_logo",
]
