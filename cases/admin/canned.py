"""Admin of canned replies: supervisors keep them, every staff member reads them (staff_roles)."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from cases.admin.case_canned import PLACEHOLDERS, placeholders_unknown
from cases.models import CannedReply

_HELP = _(
    "On the case page, choosing a canned reply fills the reply box: {case_number} becomes "
    "the case number, {case_title} its title, {contact_name} the designated contact (else "
    "the reporter), {due_at} the next due instant in the site's time zone (left as written "
    "when no clock is counting). Example: “Hello {contact_name}, about {case_number}: we "
    "will answer by {due_at}.” Retire a reply by unticking “in use”."
)


class CannedReplyForm(forms.ModelForm):
    class Meta:
        model = CannedReply
        fields = ["name", "language", "body", "is_active"]
        widgets = {"body": forms.Textarea(attrs={"rows": 12, "cols": 80})}

    def clean_body(self) -> str:
        body = self.cleaned_data["body"]
        unknown = placeholders_unknown(body)
        if unknown:
            names = ", ".join(f"{{{name}}}" for name in unknown)
            known = ", ".join(f"{{{name}}}" for name in PLACEHOLDERS)
            raise forms.ValidationError(
                ngettext(
                    "Unknown placeholder %(names)s; the placeholders are %(known)s.",
                    "Unknown placeholders %(names)s; the placeholders are %(known)s.",
                    len(unknown),
                )
                % {"names": names, "known": known}
            )
        return body


@admin.register(CannedReply)
class CannedReplyAdmin(admin.ModelAdmin):
    form = CannedReplyForm
    list_display = ["name", "language", "is_active", "updated_at", "updated_by"]
    list_filter = ["language", "is_active"]
    search_fields = ["name", "body"]
    list_select_related = ["updated_by"]
    readonly_fields = ["updated_at", "updated_by"]
    fieldsets = [
        (None, {"fields": ["name", "language", "body", "is_active"], "description": _HELP}),
        (_("Last change"), {"fields": ["updated_at", "updated_by"]}),
    ]

    def save_model(self, request: HttpRequest, obj: CannedReply, form, change: bool) -> None:
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)
