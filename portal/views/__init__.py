"""Portal pages, one module per area."""

from portal.views.core import healthz

__all__ = ["healthz"]
