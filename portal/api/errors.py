"""Service refusals as API errors: field errors, or a machine-readable code with words."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.fields import get_error_detail

from cases.services import CaseNotEligible


@contextmanager
def service_errors() -> Iterator[None]:
    """Turn a service's ValidationError into a 400: fields by name, otherwise detail and code."""
    try:
        yield
    except CaseNotEligible as exc:
        raise serializers.ValidationError(
            {
                "detail": _("CONNECT support does not cover this request."),
                "code": "not_eligible",
                "reasons": [
                    {"code": r.code, "message": r.message, "next_step": r.next_step}
                    for r in exc.reasons
                ],
            }
        ) from exc
    except DjangoValidationError as exc:
        if hasattr(exc, "error_dict"):
            raise serializers.ValidationError(get_error_detail(exc)) from exc
        raise serializers.ValidationError(
            {
                "detail": " ".join(message.strip() for message in exc.messages),
                "code": exc.error_list[0].code or "invalid",
            }
        ) from exc
