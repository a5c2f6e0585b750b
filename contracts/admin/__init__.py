"""Staff admin of the contracts app, one module per area."""

from contracts.admin import imports, organizations, people, releases, site_releases  # noqa: F401
