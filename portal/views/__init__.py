"""Portal pages, one module per area."""

from portal.views.core import favicon, healthz

__all__ = ["favicon", "healthz"]
