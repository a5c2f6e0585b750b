"""Staff admin of the email outbox: every message and its delivery state (DESIGN.md, Email)."""

from __future__ import annotations

import json

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from mail.models import OutboxMessage
from mail.services.outbox import outbox_retry
from mail.services.secrets import is_sensitive


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "to_email",
        "template",
        "language",
        "state",
        "attempts",
        "sent_at",
    ]
    list_filter = ["state", "template", "language"]
    search_fields = ["to_email", "idempotency_key", "subject"]
    date_hierarchy = "created_at"
    actions = ["retry_selected"]
    # The context is shown through context_shown: a one-time link never appears (secrets).
    readonly_fields = [
        "context_shown" if f.name == "context" else f.name for f in OutboxMessage._meta.fields
    ]
    exclude = ["context"]

    @admin.display(description=_("context"))
    def context_shown(self, obj: OutboxMessage) -> str:
        if not is_sensitive(obj.context):
            return json.dumps(obj.context, indent=2, ensure_ascii=False, sort_keys=True)
        if obj.context.get("redacted"):
            return _("Hidden: this email carried a one-time link, removed once it was sent.")
        return _(
            "Hidden: this email carries a one-time link (password, address confirmation or "
            "invitation). It is stored encrypted and removed once sent."
        )

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    # Retrying is a change of the row: support management and superusers (portal.staff_roles).
    @admin.action(
        description=_("Retry delivery of the selected failed emails"), permissions=["change"]
    )
    def retry_selected(self, request, queryset) -> None:
        count = outbox_retry(message_ids=list(queryset.values_list("id", flat=True)))
        self.message_user(
            request,
            ngettext("%(count)d email queued again.", "%(count)d emails queued again.", count)
            % {"count": count},
            messages.SUCCESS,
        )
