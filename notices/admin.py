"""Staff admin of software update notices: write, preview, publish, follow delivery (SLP-14)."""

from __future__ import annotations

import csv

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from contracts.models import Release, SiteRelease, User
from contracts.roles import StaffRole
from contracts.services.releases import SupportStatus, release_statuses
from mail.models import OutboxMessage
from mail.services.outbox import outbox_render
from notices.models import UpdateNotice
from notices.selectors import (
    REPORT_COLUMNS,
    NoticeProgress,
    update_notice_failures,
    update_notice_progress,
    update_notice_report_rows,
    update_notices_progress,
)
from notices.services.audience import AffectedSite
from notices.services.fanout import (
    TEMPLATE,
    notice_message_context,
    update_notice_retry_failed,
)
from notices.services.publish import (
    notice_publish_day,
    update_notice_check_releases,
    update_notice_publish,
    update_notice_save,
    update_notice_unschedule,
)


def staff_may_send_notices(user) -> bool:
    """Tell whether the staff member may write and publish update notices."""
    if not (user.is_active and user.is_staff):
        return False
    if user.is_superuser:
        return True
    # Asked many times per admin page; the answer is kept on the user object.
    if not hasattr(user, "_may_send_notices"):
        names = [StaffRole.SUPPORT_MANAGEMENT.label_en, StaffRole.CONTRACT_ADMINISTRATOR.label_en]
        user._may_send_notices = user.groups.filter(name__in=names).exists()
    return user._may_send_notices


class ReleaseChoiceField(forms.ModelMultipleChoiceField):
    """Release checkboxes labelled with today's support status."""

    statuses: dict[int, SupportStatus] = {}

    def label_from_instance(self, obj: Release) -> str:
        status = self.statuses.get(obj.pk)
        return f"{obj} · {status.label}" if status else str(obj)


class UpdateNoticeForm(forms.ModelForm):
    """Refuses an unsupported release next to the field, with the reason (SLP-2)."""

    releases = ReleaseChoiceField(
        queryset=Release.objects.select_related("product").order_by(
            "product__name", "-release_date"
        ),
        widget=forms.CheckboxSelectMultiple,
        label=_("Affected releases"),
        help_text=_("Only the current and previous release of a product get updates (SLP-2)."),
    )

    class Meta:
        model = UpdateNotice
        fields = [
            "kind",
            "releases",
            "publish_at",
            "title_en",
            "body_en",
            "title_fr",
            "body_fr",
            "links",
        ]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["releases"].statuses = release_statuses(on=timezone.localdate())

    def clean(self):
        cleaned = super().clean()
        releases = cleaned.get("releases")
        if releases:
            day = notice_publish_day(
                kind=cleaned.get("kind"), publish_at=cleaned.get("publish_at"), now=timezone.now()
            )
            try:
                update_notice_check_releases(releases=releases, on=day)
            except ValidationError as exc:
                for message in exc.message_dict["releases"]:
                    self.add_error("releases", message)
        return cleaned


def _progress_bar(progress: NoticeProgress) -> str:
    return format_html(
        '<div title="{}" style="display:flex;width:160px;height:10px;background:#e3e6ea;'
        'border-radius:5px;overflow:hidden"><span style="width:{}%;background:#1a7f37"></span>'
        '<span style="width:{}%;background:#b42318"></span></div>',
        gettext("%(sent)d sent, %(failed)d failed, %(pending)d pending of %(recipients)d")
        % {
            "sent": progress.sent,
            "failed": progress.failed,
            "pending": progress.pending,
            "recipients": progress.recipients,
        },
        progress.percent_sent,
        progress.percent_failed,
    )


def _sample_sites(notice: UpdateNotice) -> list[AffectedSite]:
    runs = (
        SiteRelease.objects.filter(release__update_notices=notice)
        .select_related("site__organization", "release__product", "patch")
        .order_by("site__code")[:3]
    )
    sites = [
        AffectedSite(
            code=run.site.code,
            name=run.site.name,
            organization=run.site.organization.name,
            runs=[str(run.patch or run.release)],
        )
        for run in runs
    ]
    return sites or [AffectedSite("EXAMPLE-01", "Example site", "Example Ltd", ["-"])]


def notice_preview(notice: UpdateNotice, language: str) -> dict[str, str]:
    """Render the email a contact would receive, in one language, without writing it."""
    sample = User(email="contact@example.com", full_name=gettext("Alex Example"), language=language)
    message = OutboxMessage(
        to_email=sample.email,
        language=language,
        template=TEMPLATE,
        context=notice_message_context(notice, sample, _sample_sites(notice)),
    )
    email = outbox_render(message)
    return {
        "language": language,
        "subject": email.subject,
        "text": email.body,
        "html": email.alternatives[0][0],
    }


@admin.register(UpdateNotice)
class UpdateNoticeAdmin(admin.ModelAdmin):
    form = UpdateNoticeForm
    list_display = [
        "title_en",
        "kind",
        "status",
        "publish_at",
        "published_at",
        "recipients_count",
        "progress",
    ]
    list_filter = ["kind", "status"]
    search_fields = ["title_en", "title_fr"]
    date_hierarchy = "created_at"
    readonly_fields = ["status", "created_by", "published_at", "sent_at", "recipients_count"]
    actions = ["retry_failed"]

    # --- permissions: every staff member looks; management and contract admins write ---

    def has_module_permission(self, request) -> bool:
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.is_active and request.user.is_staff

    def has_add_permission(self, request) -> bool:
        return staff_may_send_notices(request.user)

    def has_change_permission(self, request, obj=None) -> bool:
        # Once published, a notice is what people received: it opens read-only.
        editable = obj is None or obj.status == UpdateNotice.Status.DRAFT
        return editable and staff_may_send_notices(request.user)

    def has_delete_permission(self, request, obj=None) -> bool:
        return (
            obj is not None
            and obj.status == UpdateNotice.Status.DRAFT
            and (staff_may_send_notices(request.user))
        )

    def has_retry_permission(self, request) -> bool:
        return staff_may_send_notices(request.user)

    # --- saving goes through the service, which checks releases and both languages ---

    def save_model(self, request, obj, form, change) -> None:
        try:
            saved = update_notice_save(
                notice=obj, releases=form.cleaned_data["releases"], by=request.user
            )
        except ValidationError as exc:
            # Raced with a publication since the form was shown.
            raise PermissionDenied(" ".join(exc.messages)) from exc
        obj.pk = saved.pk

    def save_related(self, request, form, formsets, change) -> None:
        # The releases were set by the service; only formsets are left.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def response_add(self, request, obj, post_url_continue=None):
        if "_preview" in request.POST:
            return redirect("admin:notices_updatenotice_preview", obj.pk)
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        if "_preview" in request.POST:
            return redirect("admin:notices_updatenotice_preview", obj.pk)
        return super().response_change(request, obj)

    def get_changelist_instance(self, request):
        # One query counts the deliveries of every row (no N+1 from the progress column).
        changelist = super().get_changelist_instance(request)
        notices = list(changelist.result_list)
        progress = update_notices_progress(notices)
        for notice in notices:
            notice.delivery_progress = progress[notice.pk]
        return changelist

    @admin.display(description=_("progress"))
    def progress(self, obj: UpdateNotice) -> str:
        if obj.status in (UpdateNotice.Status.DRAFT, UpdateNotice.Status.SCHEDULED):
            return "-"
        progress = getattr(obj, "delivery_progress", None) or update_notice_progress(obj)
        return _progress_bar(progress)

    @admin.action(
        description=_("Retry the failed emails of the selected notices"), permissions=["retry"]
    )
    def retry_failed(self, request, queryset) -> None:
        count = sum(update_notice_retry_failed(notice=notice) for notice in queryset)
        self.message_user(
            request,
            ngettext("%(count)d email queued again.", "%(count)d emails queued again.", count)
            % {"count": count},
            messages.SUCCESS,
        )

    # --- extra pages: preview, publish, progress, report ---

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/preview/", view(self.preview_view), name="notices_updatenotice_preview"),
            path("<int:pk>/publish/", view(self.publish_view), name="notices_updatenotice_publish"),
            path(
                "<int:pk>/unschedule/",
                view(self.unschedule_view),
                name="notices_updatenotice_unschedule",
            ),
            path(
                "<int:pk>/progress/",
                view(self.progress_view),
                name="notices_updatenotice_progress",
            ),
            path("<int:pk>/retry/", view(self.retry_view), name="notices_updatenotice_retry"),
            path("<int:pk>/report.csv", view(self.report_view), name="notices_updatenotice_report"),
            *super().get_urls(),
        ]

    def _notice(self, request: HttpRequest, pk: int) -> UpdateNotice:
        if not self.has_view_permission(request):
            raise PermissionDenied
        return get_object_or_404(UpdateNotice, pk=pk)

    def _require_sender(self, request: HttpRequest) -> None:
        if not staff_may_send_notices(request.user):
            raise PermissionDenied

    def preview_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        notice = self._notice(request, pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Preview: %(title)s") % {"title": notice.title_en},
            "notice": notice,
            "previews": [notice_preview(notice, "en"), notice_preview(notice, "fr")],
            "can_publish": notice.status == UpdateNotice.Status.DRAFT
            and staff_may_send_notices(request.user),
        }
        return TemplateResponse(request, "admin/notices/updatenotice/preview.html", context)

    def publish_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        return require_POST(self._publish)(request, pk)

    def _publish(self, request: HttpRequest, pk: int) -> HttpResponse:
        self._require_sender(request)
        notice = self._notice(request, pk)
        try:
            notice = update_notice_publish(notice=notice)
        except ValidationError as exc:
            for text in exc.messages:
                self.message_user(request, text, messages.ERROR)
            return redirect("admin:notices_updatenotice_preview", notice.pk)
        if notice.status == UpdateNotice.Status.SCHEDULED:
            when = f"{timezone.localtime(notice.publish_at):%Y-%m-%d %H:%M %Z}"
            self.message_user(
                request,
                gettext("Scheduled: it goes out %(when)s.") % {"when": when},
                messages.SUCCESS,
            )
        else:
            self.message_user(request, gettext("Sending has started."), messages.SUCCESS)
        return redirect("admin:notices_updatenotice_progress", notice.pk)

    def unschedule_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        return require_POST(self._unschedule)(request, pk)

    def _unschedule(self, request: HttpRequest, pk: int) -> HttpResponse:
        self._require_sender(request)
        notice = self._notice(request, pk)
        try:
            update_notice_unschedule(notice=notice)
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
        else:
            self.message_user(request, gettext("The notice is a draft again."), messages.SUCCESS)
        return redirect("admin:notices_updatenotice_change", pk)

    def progress_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        notice = self._notice(request, pk)
        progress = update_notice_progress(notice)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Delivery: %(title)s") % {"title": notice.title_en},
            "notice": notice,
            "progress": progress,
            "bar": _progress_bar(progress),
            "failures": update_notice_failures(notice)[:200],
            "can_retry": staff_may_send_notices(request.user),
        }
        return TemplateResponse(request, "admin/notices/updatenotice/progress.html", context)

    def retry_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        return require_POST(self._retry)(request, pk)

    def _retry(self, request: HttpRequest, pk: int) -> HttpResponse:
        self._require_sender(request)
        count = update_notice_retry_failed(notice=self._notice(request, pk))
        self.message_user(
            request,
            ngettext("%(count)d email queued again.", "%(count)d emails queued again.", count)
            % {"count": count},
            messages.SUCCESS,
        )
        return redirect("admin:notices_updatenotice_progress", pk)

    def report_view(self, request: HttpRequest, pk: int) -> StreamingHttpResponse:
        notice = self._notice(request, pk)
        writer = csv.writer(_Echo())
        rows = (writer.writerow(row) for row in _report_lines(notice))
        response = StreamingHttpResponse(rows, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="notice-{notice.pk}-deliveries.csv"'
        )
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # The admin answers a malformed id with its "does not exist" redirect; the extra
        # pages' URLs take an integer, so their links are built only for one.
        links = _links(object_id) if str(object_id).isdigit() else {}
        extra_context = {**(extra_context or {}), "notice_links": links}
        return super().change_view(request, object_id, form_url, extra_context)


class _Echo:
    """A file-like object whose write returns the line, for a streamed CSV."""

    def write(self, value: str) -> str:
        return value


def _report_lines(notice: UpdateNotice):
    yield list(REPORT_COLUMNS)
    yield from update_notice_report_rows(notice)


def _links(object_id: str) -> dict[str, str]:
    return {
        name: reverse(f"admin:notices_updatenotice_{name}", args=[object_id])
        for name in ("preview", "progress", "report", "publish", "unschedule")
    }
