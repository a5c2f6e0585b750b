"""Staff admin of policy versions (SLP-5, SLP-11, SLP-17): drafts are edited, published ones read."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sla.admin.policy_notices import announce_selected
from sla.models import NOTICE_PERIOD, PolicyTarget, PolicyVersion, Priority
from sla.services.policies import (
    policy_version_create_draft,
    policy_version_withdraw,
)

# A copied draft starts dated past the SLP-17 notice period, so it is publishable once sent today.
_DRAFT_LEAD = NOTICE_PERIOD + timedelta(days=1)


def _is_locked(obj: PolicyVersion | None) -> bool:
    """Return True for a published version: its terms are what customers were told."""
    return obj is not None and obj.is_published


def _error_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)


class PolicyTargetInline(admin.TabularInline):
    model = PolicyTarget
    fields = [
        "priority",
        "response_minutes",
        "resolution_minutes",
        "update_minutes",
        "to_confirm",
        "note",
    ]
    max_num = len(Priority)
    ordering = ["priority"]

    def get_extra(self, request, obj=None, **kwargs) -> int:
        if _is_locked(obj):
            return 0
        return len(Priority) - (obj.targets.count() if obj is not None and obj.pk else 0)

    def has_add_permission(self, request, obj=None) -> bool:
        return not _is_locked(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None) -> bool:
        return not _is_locked(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return not _is_locked(obj) and super().has_delete_permission(request, obj)


@admin.register(PolicyVersion)
class PolicyVersionAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "status",
        "effective_from",
        "notice_sent_at",
        "in_force",
        "warning_threshold",
        "reopen_window_days",
    ]
    list_filter = ["status"]
    search_fields = ["name", "notes"]
    fields = [
        "name",
        "status",
        "effective_from",
        "notice_sent_at",
        "warning_threshold",
        "reopen_window_days",
        "notes",
        "created_at",
        "published_at",
    ]
    readonly_fields = ["status", "created_at", "published_at"]
    inlines = [PolicyTargetInline]
    # Publishing always sends the SLP-17 notice: there is no silent publish action.
    actions = [announce_selected, "withdraw_selected", "copy_as_draft"]

    @admin.display(description=_("in force now"), boolean=True)
    def in_force(self, obj: PolicyVersion) -> bool:
        return obj.is_in_force()

    def has_change_permission(self, request, obj=None) -> bool:
        # A published version opens read-only; a change is a new draft (SLP-17).
        return not _is_locked(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return not _is_locked(obj) and super().has_delete_permission(request, obj)

    @admin.action(description=_("Withdraw the selected published versions not yet in force"))
    def withdraw_selected(self, request: HttpRequest, queryset) -> None:
        for version in queryset:
            try:
                policy_version_withdraw(version=version)
            except ValidationError as exc:
                self._report(request, version, exc)
            else:
                self.message_user(
                    request,
                    _("“%(name)s” is a draft again.") % {"name": version.name},
                    messages.SUCCESS,
                )

    @admin.action(description=_("Start a new draft from the selected version"))
    def copy_as_draft(self, request: HttpRequest, queryset) -> None:
        if queryset.count() != 1:
            self.message_user(request, _("Select exactly one version to copy."), messages.ERROR)
            return
        source = queryset.get()
        name = _("%(name)s (draft %(stamp)s)") % {
            "name": source.name,
            "stamp": f"{timezone.now():%Y%m%d%H%M%S}",
        }
        try:
            draft = policy_version_create_draft(
                name=name[:100],
                effective_from=timezone.now() + _DRAFT_LEAD,
                based_on=source,
            )
        except ValidationError as exc:
            self._report(request, source, exc)
            return
        self.message_user(
            request,
            _("Draft “%(name)s” created; set its dates, then publish it.") % {"name": draft.name},
            messages.SUCCESS,
        )

    def _report(self, request: HttpRequest, version: PolicyVersion, exc: ValidationError) -> None:
        self.message_user(
            request,
            _("“%(name)s”: %(errors)s") % {"name": version.name, "errors": _error_text(exc)},
            messages.ERROR,
        )
