"""Idempotency-Key on API writes: a client's retry gets the first response and files nothing twice.

As in the IETF draft "The Idempotency-Key HTTP Header Field" and Stripe's API:
- Once the user is authenticated, a POST carrying the header inserts its (user, key) row,
  "in progress", before the view runs. The unique constraint lets one of two concurrent
  requests in; the other finds the row and answers 409.
- The response, if under 500, is stored on the row. A 5xx or an unexpected error deletes the
  row instead, so the client's retry runs again.
- A repeat with the same fingerprint (SHA-256 of method, path and body) gets the stored status,
  body, content type and Location, with `Idempotent-Replayed: true`; another request under the
  same key answers 422.
- A key holds for 24 hours. An expired row is never replayed (the next request with its key
  replaces it and runs), and `idempotency_purge` deletes expired rows daily.

Decision: a request whose process died between running and storing its response leaves its row
in progress, answered 409 until it expires: whether it filed is unknown, and filing twice is
what the key exists to prevent. The client can check the case list and retry with a new key.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

from celery import shared_task
from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.http.request import RawPostDataException
from django.http.response import HttpResponseBase
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import exceptions
from rest_framework.request import Request

from contracts.models import User
from portal.api.serializers.cases import RefusalSerializer
from portal.models import IdempotencyKey
from portal.models.idempotency import IDEMPOTENCY_WINDOW

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
# Printable ASCII, space included (RFC 9110 field values carry no control characters).
VALID_KEY = re.compile(r"[\x20-\x7e]{1,255}")
# Response headers a replay repeats besides the content type: where the filed case lives.
KEPT_HEADERS = ("Location",)


class IdempotencyRefused(exceptions.APIException):
    """A request its Idempotency-Key refuses: a code to branch on, words to show."""

    code: str
    message: str

    def __init__(self) -> None:
        super().__init__({"detail": self.message, "code": self.code})


class IdempotencyKeyInvalid(IdempotencyRefused):
    status_code = 400
    code = "idempotency_key_invalid"
    message = _("Send an Idempotency-Key of 1 to 255 printable ASCII characters.")


class IdempotencyKeyInProgress(IdempotencyRefused):
    status_code = 409
    code = "idempotency_key_in_progress"
    message = _(
        "A request with this Idempotency-Key is still being processed. Retry in a moment: "
        "you will get its response."
    )


class IdempotencyKeyReused(IdempotencyRefused):
    status_code = 422
    code = "idempotency_key_reused"
    message = _(
        "This Idempotency-Key was already used for a different request. Use a new key for "
        "each new request."
    )


class _Replay(Exception):
    """Carries a stored response out of `initial`, past the view's handler."""

    def __init__(self, row: IdempotencyKey) -> None:
        super().__init__(row.key)
        self.row = row


def idempotency_fingerprint(*, method: str, path: str, body: bytes) -> str:
    """Return the SHA-256 (hex) of a request's method, path and body."""
    return hashlib.sha256(b"\n".join([method.encode(), path.encode(), body])).hexdigest()


def _request_body(request: Request) -> bytes:
    """Return the raw body, or a digest of the form a middleware parsed from it already."""
    try:
        return request.body
    except RawPostDataException:
        form = request._request
    digest = hashlib.sha256(form.POST.urlencode().encode())
    for field, uploads in sorted(form.FILES.lists()):
        for upload in uploads:
            digest.update(f"\n{field}={upload.name}\n".encode())
            for chunk in upload.chunks():
                digest.update(chunk)
            upload.seek(0)
    return digest.digest()


def idempotency_claim(*, owner: User, key: str, fingerprint: str) -> IdempotencyKey:
    """Insert and return the key's in-progress row, unless the key is taken.

    A taken key raises: _Replay with the stored response, IdempotencyKeyInProgress while the
    first request runs, IdempotencyKeyReused for another request under the same key.
    """
    # Two passes at most: the second follows an expired row this request deleted.
    for _attempt in range(2):
        try:
            with transaction.atomic():
                return IdempotencyKey.objects.create(owner=owner, key=key, fingerprint=fingerprint)
        except IntegrityError:
            pass
        row = IdempotencyKey.objects.filter(owner=owner, key=key).first()
        if row is None:
            continue  # released or purged meanwhile
        if row.expired(timezone.now()):
            # Compare-and-delete: of two requests replacing it, both insert and one wins.
            IdempotencyKey.objects.filter(pk=row.pk, created_at=row.created_at).delete()
            continue
        if row.fingerprint != fingerprint:
            raise IdempotencyKeyReused()
        if row.in_progress:
            raise IdempotencyKeyInProgress()
        raise _Replay(row)
    raise IdempotencyKeyInProgress()


def idempotency_complete(*, claim: IdempotencyKey, response: HttpResponseBase) -> None:
    """Store the rendered response on the claimed row, for the key's retries."""
    IdempotencyKey.objects.filter(pk=claim.pk, status_code__isnull=True).update(
        status_code=response.status_code,
        content_type=response.get("Content-Type", ""),
        headers={name: response[name] for name in KEPT_HEADERS if response.has_header(name)},
        body=bytes(response.content),
    )


def idempotency_release(*, claim: IdempotencyKey) -> None:
    """Delete the claimed row: the request failed on our side, so a retry runs again."""
    IdempotencyKey.objects.filter(pk=claim.pk, status_code__isnull=True).delete()


def idempotency_replay(row: IdempotencyKey) -> HttpResponse:
    """Return the stored response of a row again, marked as a replay."""
    response = HttpResponse(bytes(row.body), status=row.status_code, content_type=row.content_type)
    for name, value in row.headers.items():
        response[name] = value
    response[REPLAYED_HEADER] = "true"
    return response


@shared_task(name="portal.idempotency_purge", ignore_result=True)
def idempotency_purge() -> int:
    """Delete the keys older than the window; return how many went."""
    deleted, _by_model = IdempotencyKey.objects.filter(
        created_at__lte=timezone.now() - IDEMPOTENCY_WINDOW
    ).delete()
    return deleted


IDEMPOTENCY_PARAMETER = OpenApiParameter(
    HEADER,
    str,
    OpenApiParameter.HEADER,
    description="Optional: 1 to 255 printable ASCII characters, new for each new request "
    "(a UUID). A retry with the same key within 24 hours gets the first response again, "
    f"with `{REPLAYED_HEADER}: true`, and files nothing twice. A bad key answers 400.",
)
IDEMPOTENCY_RESPONSES = {
    "409": OpenApiResponse(
        RefusalSerializer,
        description="`idempotency_key_in_progress`: the first request with this key is still "
        "running; retry in a moment.",
    ),
    "422": OpenApiResponse(
        RefusalSerializer,
        description="`idempotency_key_reused`: this key was used for a different request "
        "(method, path or body).",
    ),
}


class IdempotentSchema(AutoSchema):
    """Document the Idempotency-Key header and its refusals on the view's POST operations."""

    def get_override_parameters(self) -> list:
        parameters = super().get_override_parameters()
        return [*parameters, IDEMPOTENCY_PARAMETER] if self.method == "POST" else parameters

    def _get_response_bodies(self, direction: str = "response") -> dict:
        # The only hook that adds to the responses an @extend_schema declares, not replaces them.
        responses = super()._get_response_bodies(direction)
        if self.method == "POST" and direction == "response":
            for code, response in IDEMPOTENCY_RESPONSES.items():
                responses.setdefault(code, self._get_response_for_code(response, code))
        return responses


class IdempotentPostMixin:
    """Honour the Idempotency-Key header on the view's POSTs (first base of an API view)."""

    schema = IdempotentSchema()
    _idempotency_claim: IdempotencyKey | None = None

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        key = request.headers.get(HEADER) if request.method == "POST" else None
        # Read before authentication: a session's CSRF check may parse a form and use the stream up.
        body = _request_body(request) if key is not None else b""
        super().initial(request, *args, **kwargs)
        if key is None or not request.user.is_authenticated:
            return
        if not VALID_KEY.fullmatch(key):
            raise IdempotencyKeyInvalid()
        fingerprint = idempotency_fingerprint(
            method=request.method, path=request.get_full_path(), body=body
        )
        self._idempotency_claim = idempotency_claim(
            owner=request.user, key=key, fingerprint=fingerprint
        )

    def handle_exception(self, exc: Exception) -> HttpResponseBase:
        if isinstance(exc, _Replay):
            return idempotency_replay(exc.row)
        try:
            return super().handle_exception(exc)
        except Exception:
            self._idempotency_settle(None)
            raise

    def finalize_response(
        self, request: Request, response: HttpResponseBase, *args: Any, **kwargs: Any
    ) -> HttpResponseBase:
        response = super().finalize_response(request, response, *args, **kwargs)
        self._idempotency_settle(response)
        return response

    def _idempotency_settle(self, response: HttpResponseBase | None) -> None:
        claim, self._idempotency_claim = self._idempotency_claim, None
        if claim is None:
            return
        if response is None or response.status_code >= 500:
            idempotency_release(claim=claim)
            return
        try:
            if hasattr(response, "render"):
                response.render()
        except Exception:
            idempotency_release(claim=claim)
            raise
        idempotency_complete(claim=claim, response=response)
