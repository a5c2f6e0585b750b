"""Portal pages, one module per area; home and healthz stay importable from here."""

from portal.views.core import healthz, home

__all__ = ["healthz", "home"]
