"""Demo brands: the first demo distributor gets its own look, everyone else the default."""

from __future__ import annotations

from contracts.demo import NORTHWIND
from contracts.models import Organization
from portal.models import Brand

# Dark green: white text reads at well over 4.5:1 (WCAG AA). Browsers send any *.localhost
# name to this machine, and DEBUG allows .localhost: http://northwind.localhost:8000/ shows
# the brand, even on the sign-in page.
DEMO_BRANDS = {
    NORTHWIND: {
        "display_name": "Northwind Support",
        "primary_color": "#14532d",
        "host": "northwind.localhost",
    }
}


def seed_brands() -> int:
    """Create the demo brands once; return how many were created."""
    created = 0
    for name, fields in DEMO_BRANDS.items():
        organization = Organization.objects.filter(name=name).first()
        if organization is None:
            continue
        brand = Brand(organization=organization, accent_color="#0b5cad", **fields)
        if not Brand.objects.filter(organization=organization).exists():
            brand.full_clean()
            brand.save()
            created += 1
    return created
