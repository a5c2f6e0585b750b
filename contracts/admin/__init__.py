"""Staff admin of the contracts app, one module per area."""

from contracts.admin import people  # noqa: F401
