"""API errors: field errors, or a machine-readable code with words, never an HTML page.

A refusal is ``{"detail": ..., "code": ...}`` (field errors go by field name). Service refusals
go through ``service_errors``, DRF's own through ``exception_handler``; what fails outside a
view (an unknown address, bad input refused by the middleware, a crash) reaches Django's error
handlers, which ``portal.urls`` points at ``handler`` and ``bad_request``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, serializers, views
from rest_framework.exceptions import ErrorDetail
from rest_framework.fields import get_error_detail
from rest_framework.response import Response

from cases.services import CaseNotEligible
from portal.inputs import BadInput, bad_request_page, request_language

API_PREFIX = "/api/"


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


def exception_handler(exc: Exception, context: dict) -> Response | None:
    """Handle an exception as DRF does, adding the code to a bare ``{"detail": ...}``."""
    response = views.exception_handler(exc, context)
    if response is not None and isinstance(response.data, dict):
        detail = response.data.get("detail")
        if isinstance(detail, ErrorDetail) and "code" not in response.data:
            response.data["code"] = detail.code
    return response


def is_api_request(request: HttpRequest) -> bool:
    return request.path_info.startswith(API_PREFIX)


def error_response(request: HttpRequest, *, status: int, detail: str, code: str) -> JsonResponse:
    """Answer an error in the API's format, worded in the request's language."""
    with translation.override(request_language(request)):
        return JsonResponse({"detail": str(detail), "code": code}, status=status)


def handler(page: Callable[..., HttpResponse], error: type[exceptions.APIException]):
    """Return a Django error handler: `error` as JSON under /api/, `page` everywhere else."""

    def respond(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
        if is_api_request(request):
            return error_response(
                request,
                status=error.status_code,
                detail=error.default_detail,
                code=error.default_code,
            )
        return page(request) if exception is None else page(request, exception)

    return respond


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Answer a 400 raised outside a view: what was wrong, as JSON under /api/."""
    if not is_api_request(request):
        return bad_request_page(request, exception)
    if isinstance(exception, BadInput):
        return error_response(request, status=400, detail=exception.detail, code=exception.code)
    error = exceptions.ParseError
    return error_response(request, status=400, detail=error.default_detail, code=error.default_code)
