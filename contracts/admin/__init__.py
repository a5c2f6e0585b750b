"""Staff admin of the contracts app, one module per area."""

from contracts.admin import imports, notices, organizations, people, releases  # noqa: F401
