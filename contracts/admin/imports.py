"""Staff admin of contracts imports: the record of every run and the CSV upload page."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from contracts.models import ImportRun
from contracts.services.imports import COLUMNS, contracts_import, counts_summary
from contracts.services.imports.plan import KINDS

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
# Importing writes contracts, so it takes the right to add them.
IMPORT_PERMISSION = "contracts.add_contract"


class ContractsUploadForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("UTF-8, comma or semicolon separated, at most 5 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )
    dry_run = forms.BooleanField(
        label=_("Dry run: check the file and count the changes, save nothing"), required=False
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".csv"):
            raise forms.ValidationError(_("Choose a .csv file."))
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is %(size).1f MB; the limit is 5 MB. Split it and import each part.")
                % {"size": upload.size / 1024 / 1024}
            )
        return upload


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    list_display = [
        "started_at",
        "user",
        "file_name",
        "status",
        "dry_run",
        "rows",
        "counts_line",
        "error_count",
    ]
    list_filter = ["status", "dry_run"]
    list_select_related = ["user"]
    search_fields = ["file_name", "sha256", "user__email"]
    date_hierarchy = "started_at"
    fields = [
        "started_at",
        "finished_at",
        "user",
        "file_name",
        "sha256",
        "dry_run",
        "status",
        "rows",
        "counts_table",
        "errors_table",
    ]
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    @admin.display(description=_("changes"))
    def counts_line(self, run: ImportRun) -> str:
        return counts_summary(run.counts) if run.counts else "—"

    @admin.display(description=_("errors"))
    def error_count(self, run: ImportRun) -> int:
        return len(run.errors)

    @admin.display(description=_("changes"))
    def counts_table(self, run: ImportRun) -> str:
        if not run.counts:
            return "—"
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    kind,
                    run.counts[kind]["created"],
                    run.counts[kind]["updated"],
                    run.counts[kind]["unchanged"],
                )
                for kind in KINDS
                if kind in run.counts
            ),
        )
        return format_html(
            "<table><thead><tr><th></th><th>{}</th><th>{}</th><th>{}</th></tr></thead>"
            "<tbody>{}</tbody></table>",
            gettext("created"),
            gettext("updated"),
            gettext("unchanged"),
            rows,
        )

    @admin.display(description=_("errors"))
    def errors_table(self, run: ImportRun) -> str:
        if not run.errors:
            return "—"
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (error.get("line") or "", error.get("column") or "", error.get("message", ""))
                for error in run.errors
            ),
        )
        return format_html(
            "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th></tr></thead>"
            "<tbody>{}</tbody></table>",
            gettext("Line"),
            gettext("Column"),
            gettext("Message"),
            rows,
        )

    def get_urls(self):
        upload = path(
            "upload/",
            self.admin_site.admin_view(self.upload_view),
            name="contracts_importrun_upload",
        )
        return [upload, *super().get_urls()]

    def changelist_view(self, request: HttpRequest, extra_context=None) -> HttpResponse:
        extra_context = {
            **(extra_context or {}),
            "can_import": request.user.has_perm(IMPORT_PERMISSION),
            "import_url": reverse("admin:contracts_importrun_upload"),
        }
        return super().changelist_view(request, extra_context)

    def upload_view(self, request: HttpRequest) -> HttpResponse:
        """Show the upload form; import the file; list its errors or go back with a message."""
        if not request.user.has_perm(IMPORT_PERMISSION):
            raise PermissionDenied
        form = ContractsUploadForm(request.POST or None, request.FILES or None)
        result = None
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            result = contracts_import(
                file=upload,
                file_name=upload.name,
                user=request.user,
                dry_run=form.cleaned_data["dry_run"],
            )
            if result.ok:
                messages.success(request, self._success_message(upload.name, result))
                if self.has_view_permission(request):
                    return redirect("admin:contracts_importrun_changelist")
                return redirect("admin:index")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Import contracts from CSV"),
            "form": form,
            "result": result,
            "columns": COLUMNS,
        }
        return TemplateResponse(request, "admin/contracts/importrun/upload.html", context)

    @staticmethod
    def _success_message(name: str, result) -> str:
        if result.dry_run:
            text = gettext("Checked %(file)s, nothing saved (dry run): %(summary)s")
        else:
            text = gettext("Imported %(file)s: %(summary)s")
        return text % {"file": name, "summary": result.summary()}
