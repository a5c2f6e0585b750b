"""The token endpoint's input (credentials, and what token to make) and answer."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from portal.models.tokens import TOKEN_DEFAULT_DAYS, TOKEN_MAX_DAYS, ApiToken


class TokenRequestSerializer(serializers.Serializer):
    """Email, password (and staff's code), then the name, scope and life of the new token."""

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
    name = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=100,
        help_text=_("What uses this token, such as “ERP sync”."),
    )
    scope = serializers.ChoiceField(
        choices=ApiToken.Scope.choices,
        required=False,
        help_text=_("Read only, or read and write; by default the widest your role allows."),
    )
    expires_in_days = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=TOKEN_MAX_DAYS,
        default=TOKEN_DEFAULT_DAYS,
        help_text=_("Days until the token stops working."),
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
        attrs["user"] = user
        return attrs


class ApiTokenSerializer(serializers.ModelSerializer):
    class Meta:
        model = ApiToken
        fields = ["id", "name", "prefix", "scope", "created_at", "expires_at"]
        read_only_fields = fields


class ApiTokenCreatedSerializer(ApiTokenSerializer):
    """A new token with its key: the only answer that ever holds the key."""

    token = serializers.SerializerMethodField(help_text=_("The key: shown once, keep it safe."))

    class Meta(ApiTokenSerializer.Meta):
        fields = ["token", *ApiTokenSerializer.Meta.fields]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.STR)
    def get_token(self, token: ApiToken) -> str:
        return self.context["key"]
