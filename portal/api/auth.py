"""Token authentication: trade an email address and password for an API token, or revoke it."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.api.throttles import TokenEmailThrottle, TokenIPThrottle


class TokenRequestSerializer(serializers.Serializer):
    email = serializers.EmailField()
    password = serializers.CharField(
        write_only=True, trim_whitespace=False, style={"input_type": "password"}
    )
    code = serializers.CharField(
        required=False,
        allow_blank=True,
        write_only=True,
        help_text=_("Staff only: the current code of the authenticator app."),
    )

    def validate(self, attrs: dict) -> dict:
        request = self.context["request"]
        email = attrs["email"].strip().lower()
        user = authenticate(request._request, email=email, password=attrs["password"])
        if user is None:
            raise serializers.ValidationError(
                _("Unable to sign in with this email address and password."), code="credentials"
            )
        if not EmailAddress.objects.filter(user=user, email__iexact=email, verified=True).exists():
            raise serializers.ValidationError(
                _("Confirm your email address first: follow the link we sent you."),
                code="unverified",
            )
        if user.is_staff:
            _check_staff_code(user, attrs.get("code") or "")
        attrs["user"] = user
        return attrs


def _check_staff_code(user, code: str) -> None:
    """Ask staff for their authenticator code: a token reaches every tenant's cases."""
    authenticator = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if authenticator is None:
        raise serializers.ValidationError(
            {"code": _("Set up two-factor authentication before using the API as staff.")}
        )
    if not code.strip() or not TOTP(authenticator).validate_code(code.strip()):
        raise serializers.ValidationError(
            {"code": _("Enter the current code of your authenticator app.")}
        )


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(read_only=True)


@extend_schema(tags=["auth"])
class TokenView(APIView):
    """POST: trade credentials for a token (kept until revoked). DELETE: revoke the token used."""

    throttle_classes = [TokenIPThrottle, TokenEmailThrottle]

    def _revoking(self) -> bool:
        request = getattr(self, "request", None)
        return request is not None and request.method == "DELETE"

    def get_authenticators(self) -> list:
        # Credentials go in the body; only revoking needs the token itself.
        return [TokenAuthentication()] if self._revoking() else []

    def get_permissions(self) -> list:
        return [IsAuthenticated()] if self._revoking() else [AllowAny()]

    @extend_schema(
        operation_id="auth_token_create",
        request=TokenRequestSerializer,
        responses={200: TokenSerializer, 400: OpenApiResponse(description="Bad credentials")},
        auth=[],
    )
    def post(self, request: Request) -> Response:
        serializer = TokenRequestSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        token, _created = Token.objects.get_or_create(user=serializer.validated_data["user"])
        return Response({"token": token.key})

    @extend_schema(
        operation_id="auth_token_destroy",
        request=None,
        responses={204: None},
        auth=[{"tokenAuth": []}],
    )
    def delete(self, request: Request) -> Response:
        Token.objects.filter(user=request.user).delete()
        return Response(status=status.HTTP_204_NO_CONTENT)
