"""Read-only admin of timeline events and attachments: the timeline is never edited."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from cases.models import Attachment, CaseEvent


class ReadOnlyAdmin(admin.ModelAdmin):
    """Viewable by role; nobody adds, changes or deletes here (append-only records)."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(CaseEvent)
class CaseEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "case_number", "kind", "actor", "public", "new_value"]
    list_filter = ["kind", "public"]
    list_select_related = ["case", "actor"]
    search_fields = ["case__number", "body"]
    date_hierarchy = "at"
    fields = ["case", "at", "actor", "kind", "public", "body", "old_value", "new_value", "data"]

    @admin.display(description=_("case"), ordering="case__number")
    def case_number(self, event: CaseEvent) -> str:
        return event.case.number


@admin.register(Attachment)
class AttachmentAdmin(ReadOnlyAdmin):
    list_display = [
        "original_name",
        "case_number",
        "size_shown",
        "public",
        "uploaded_at",
        "download",
    ]
    list_filter = ["public", "content_type"]
    list_select_related = ["case"]
    search_fields = ["original_name", "case__number"]
    fields = [
        "case",
        "original_name",
        "content_type",
        "size",
        "public",
        "uploaded_by",
        "uploaded_at",
        "download",
    ]
    readonly_fields = ["download"]

    @admin.display(description=_("case"), ordering="case__number")
    def case_number(self, attachment: Attachment) -> str:
        return attachment.case.number

    @admin.display(description=_("size"), ordering="size")
    def size_shown(self, attachment: Attachment) -> str:
        return filesizeformat(attachment.size)

    @admin.display(description=_("download"))
    def download(self, attachment: Attachment) -> str:
        # Served only through the access-checked view, always as a download.
        url = reverse("cases:attachment_download", args=[attachment.pk])
        return format_html('<a href="{}">{}</a>', url, _("Download"))
