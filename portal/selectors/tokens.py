"""Reads behind the token page: a person's own API tokens, and nobody else's."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from contracts.models import User
from portal.models.tokens import ApiToken


def token_list_for_user(user: User) -> QuerySet[ApiToken]:
    """Return the user's own tokens, newest first (revoked and expired ones too)."""
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-pk")


def token_get_for_user(user: User, pk: int) -> ApiToken:
    """Return one of the user's own tokens; 404 alike for missing and another person's."""
    token = token_list_for_user(user).filter(pk=pk).first()
    if token is None:
        raise Http404("No such token")
    return token
