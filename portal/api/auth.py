"""Token authentication: trade an email address and password for a new token, or revoke it."""

from __future__ import annotations

from django.utils.cache import add_never_cache_headers
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.api.authentication import ApiTokenAuthentication
from portal.api.errors import service_errors
from portal.api.permissions import IsSignedIn
from portal.api.serializers.tokens import ApiTokenCreatedSerializer, TokenRequestSerializer
from portal.api.throttles import TokenEmailThrottle, TokenIPThrottle
from portal.services.tokens import token_create, token_revoke


@extend_schema(tags=["auth"])
class TokenView(APIView):
    """POST: trade credentials for a new named token. DELETE: revoke the token used."""

    def _revoking(self) -> bool:
        request = getattr(self, "request", None)
        return request is not None and request.method == "DELETE"

    def get_authenticators(self) -> list:
        # Credentials go in the body; only revoking needs the token itself.
        return [ApiTokenAuthentication()] if self._revoking() else []

    def get_permissions(self) -> list:
        return [IsSignedIn()] if self._revoking() else [AllowAny()]

    def get_throttles(self) -> list:
        # The strict limits are against password guessing; revoking keeps the API's own.
        if self._revoking():
            return super().get_throttles()
        return [TokenIPThrottle(), TokenEmailThrottle()]

    @extend_schema(
        operation_id="auth_token_create",
        request=TokenRequestSerializer,
        responses={
            200: ApiTokenCreatedSerializer,
            400: OpenApiResponse(description="Bad credentials, or a field refused"),
        },
        auth=[],
    )
    def post(self, request: Request) -> Response:
        serializer = TokenRequestSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        with service_errors():
            token, key = token_create(
                data["user"],
                name=data.get("name", ""),
                scope=data.get("scope"),
                expires_in_days=data["expires_in_days"],
                code=data.get("code", ""),
            )
        response = Response(ApiTokenCreatedSerializer(token, context={"key": key}).data)
        add_never_cache_headers(response)
        return response

    @extend_schema(
        operation_id="auth_token_destroy",
        request=None,
        responses={204: None},
        auth=[{"tokenAuth": []}],
    )
    def delete(self, request: Request) -> Response:
        token_revoke(request.auth)
        return Response(status=status.HTTP_204_NO_CONTENT)
