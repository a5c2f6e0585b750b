"""Service errors shown where the person can act on them: next to the field, or above the form."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError


def errors_into(
    form: forms.Form, exc: ValidationError, renames: dict[str, str] | None = None
) -> None:
    """Put a service's errors next to the form's fields; errors of other fields go on top."""
    renames = renames or {}
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for field, errors in exc.error_dict.items():
        name = renames.get(field, field)
        form.add_error(name if name in form.fields else None, ValidationError(errors))
