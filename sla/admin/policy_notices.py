"""Admin action announcing policy versions (SLP-17); registers nothing.

Wire it into the PolicyVersion admin with ``actions = [..., announce_selected]``.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from sla.services.policy_notices import policy_version_announce


@admin.action(description=_("Send the policy-change notice and publish the selected drafts"))
def announce_selected(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset) -> None:
    """Announce each selected draft to every covered contact, then publish it; report each one."""
    for version in queryset.order_by("effective_from"):
        try:
            announcement = policy_version_announce(version=version, by=request.user)
        except ValidationError as exc:
            modeladmin.message_user(
                request,
                _("“%(name)s”: %(errors)s")
                % {"name": version.name, "errors": " ".join(exc.messages)},
                messages.ERROR,
            )
            continue
        when = f"{timezone.localtime(announcement.version.effective_from):%Y-%m-%d %H:%M %Z}"
        modeladmin.message_user(
            request,
            ngettext(
                "“%(name)s”: notice sent to %(count)d contact; it takes effect %(when)s.",
                "“%(name)s”: notice sent to %(count)d contacts; it takes effect %(when)s.",
                announcement.recipients,
            )
            % {"name": version.name, "count": announcement.recipients, "when": when},
            messages.SUCCESS,
        )
