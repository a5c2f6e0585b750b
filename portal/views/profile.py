"""The profile pages: a person's own name, language, time zone, email preferences, API tokens."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from mail.services.preferences import (
    ALWAYS_SENT,
    contact_preference_get,
    contact_preference_set_topics,
)
from portal.forms.profile import EmailPreferencesForm, ProfileForm, email_topics_for
from portal.forms.tokens import TokenCreateForm
from portal.permissions import membership_for
from portal.selectors.tokens import token_get_for_user, token_list_for_user
from portal.services.tokens import token_create, token_revoke


def _remember_language(response: HttpResponse, language: str) -> None:
    # The language switch's cookie wins over the saved preference (UserPreferencesMiddleware),
    # so it follows the language just saved.
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    """Show and save the signed-in person's preferences; any role may edit its own."""
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your profile is saved."))
        response = redirect("portal:profile")
        _remember_language(response, form.cleaned_data["language"])
        return response
    context = {"form": form, "email_form": _email_form(request), "always_sent": ALWAYS_SENT}
    return render(request, "portal/profile.html", context, status=400 if form.errors else 200)


def _email_form(request: HttpRequest, data=None) -> EmailPreferencesForm:
    topics = email_topics_for(request.user, membership_for(request.user))
    preference = contact_preference_get(request.user)
    return EmailPreferencesForm(data, topics=topics, preference=preference)


@login_required
@require_POST
def email_preferences(request: HttpRequest) -> HttpResponse:
    """Save which kinds of optional email the signed-in person receives."""
    form = _email_form(request, request.POST)
    if form.is_valid():
        contact_preference_set_topics(user=request.user, receive=form.receive())
        messages.success(request, _("Your email preferences are saved."))
    return redirect(reverse("portal:profile") + "#email-heading")


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def api_tokens(request: HttpRequest) -> HttpResponse:
    """List the person's API tokens and create one, whose key this one answer shows."""
    form = TokenCreateForm(request.POST or None, user=request.user)
    created = None
    if request.method == "POST" and form.is_valid():
        try:
            token, key = token_create(request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            # Rendered, not redirected: the key must not wait in a session or cookie.
            created = {"token": token, "key": key}
            form = TokenCreateForm(user=request.user)
    context = {
        "form": form,
        "tokens": token_list_for_user(request.user),
        "created": created,
    }
    return render(request, "portal/api_tokens.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def api_token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    """Revoke one of the person's own tokens; another person's is 404."""
    token = token_get_for_user(request.user, pk)
    if token_revoke(token):
        messages.success(request, _("Token %(name)s is revoked.") % {"name": token.name})
    return redirect("portal:api_tokens")
