"""The notice admin's own pages: preview, publish (with its confirmation), progress, report."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_http_methods, require_POST

from common.spreadsheets import csv_lines
from notices.admin.display import (
    RESUME,
    SCHEDULE,
    SEND,
    notice_next_step,
    notice_preview,
    notice_state_label,
    progress_bar,
)
from notices.admin.permissions import staff_may_send_notices
from notices.models import UpdateNotice
from notices.selectors import (
    REPORT_COLUMNS,
    update_notice_audience_size,
    update_notice_failures,
    update_notice_opted_out_count,
    update_notice_progress,
    update_notice_report_rows,
)
from notices.services.fanout import update_notice_retry_failed
from notices.services.publish import update_notice_start, update_notice_unschedule

TEMPLATES = "admin/notices/updatenotice"


class NoticePagesMixin:
    """Views of the update notice admin beside the change form, each behind admin_view."""

    def notice_urls(self) -> list:
        """Return the URLs of these pages, each behind the admin's login and MFA checks."""
        view = self.admin_site.admin_view
        pages = [
            ("preview/", self.preview_view, "preview"),
            ("publish/", self.publish_view, "publish"),
            ("unschedule/", self.unschedule_view, "unschedule"),
            ("progress/", self.progress_view, "progress"),
            ("retry/", self.retry_view, "retry"),
            ("report.csv", self.report_view, "report"),
        ]
        return [
            path(f"<int:pk>/{route}", view(page), name=f"notices_updatenotice_{name}")
            for route, page, name in pages
        ]

    def _notice(self, request: HttpRequest, pk: int) -> UpdateNotice:
        if not self.has_view_permission(request):
            raise PermissionDenied
        return get_object_or_404(UpdateNotice, pk=pk)

    def _require_sender(self, request: HttpRequest) -> None:
        if not staff_may_send_notices(request.user):
            raise PermissionDenied

    def _page(self, request: HttpRequest, template: str, title: str, **context) -> HttpResponse:
        context.setdefault("step_label", step_label(context.get("step")))
        return TemplateResponse(
            request,
            f"{TEMPLATES}/{template}",
            {**self.admin_site.each_context(request), "opts": self.opts, "title": title, **context},
        )

    def preview_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        notice = self._notice(request, pk)
        return self._page(
            request,
            "preview.html",
            gettext("Preview: %(title)s") % {"title": notice.title_en},
            notice=notice,
            previews=[notice_preview(notice, "en"), notice_preview(notice, "fr")],
            step=notice_next_step(notice, now=timezone.now())
            if staff_may_send_notices(request.user)
            else None,
        )

    @method_decorator(require_http_methods(["GET", "HEAD", "POST"]))
    def publish_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """Show whom the notice reaches and what happens (GET); do what was shown (POST)."""
        self._require_sender(request)
        notice = self._notice(request, pk)
        now = timezone.now()
        if request.method == "POST":
            return self._publish(request, notice, shown=request.POST.get("step"), now=now)
        return self._page(
            request,
            "publish_confirmation.html",
            gettext("Publish “%(title)s”?") % {"title": notice.title_en},
            notice=notice,
            step=notice_next_step(notice, now=now),
            state=notice_state_label(notice, now=now),
            audience=update_notice_audience_size(notice, now=now),
        )

    def _publish(
        self, request: HttpRequest, notice: UpdateNotice, *, shown: str | None, now
    ) -> HttpResponse:
        if shown is None or shown != notice_next_step(notice, now=now):
            # Changed since the confirmation was shown (or none was): show it again.
            self.message_user(
                request, gettext("Check what happens, then confirm."), messages.WARNING
            )
            return redirect("admin:notices_updatenotice_publish", notice.pk)
        try:
            notice = update_notice_start(notice=notice, now=now)
        except ValidationError as exc:
            for text in exc.messages:
                self.message_user(request, text, messages.ERROR)
            return redirect("admin:notices_updatenotice_change", notice.pk)
        self.message_user(request, started_message(notice), messages.SUCCESS)
        return redirect("admin:notices_updatenotice_progress", notice.pk)

    @method_decorator(require_POST)
    def unschedule_view(self, request: HttpRequest, pk: int) -> HttpResponse:
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
        now = timezone.now()
        progress = update_notice_progress(notice)
        sender = staff_may_send_notices(request.user)
        return self._page(
            request,
            "progress.html",
            gettext("Delivery: %(title)s") % {"title": notice.title_en},
            notice=notice,
            state=notice_state_label(notice, now=now),
            progress=progress,
            opted_out=left_out_count(notice, now=now) + progress.skipped,
            bar=progress_bar(progress),
            failures=update_notice_failures(notice)[:200],
            can_retry=sender,
            step=notice_next_step(notice, now=now) if sender else None,
        )

    @method_decorator(require_POST)
    def retry_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        self._require_sender(request)
        count = update_notice_retry_failed(notice=self._notice(request, pk))
        self.message_user(request, retried_message(count), messages.SUCCESS)
        return redirect("admin:notices_updatenotice_progress", pk)

    def report_view(self, request: HttpRequest, pk: int) -> StreamingHttpResponse:
        notice = self._notice(request, pk)
        # Full names and organisation names are typed by customers: csv_lines keeps any
        # formula in them from running in the spreadsheet staff open this in.
        lines = csv_lines(_report_lines(notice))
        response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="notice-{notice.pk}-deliveries.csv"'
        )
        return response


def step_label(step: str | None) -> str:
    """Return the button that takes the step: publish now, schedule, or resume sending."""
    labels = {
        SEND: gettext("Publish now"),
        SCHEDULE: gettext("Schedule"),
        RESUME: gettext("Resume sending"),
    }
    return labels.get(step, "")


def left_out_count(notice: UpdateNotice, *, now) -> int:
    """Count the contacts the notice leaves out by their opt-out, sent or still to send."""
    if notice.published_at is not None:
        return update_notice_opted_out_count(notice)
    return update_notice_audience_size(notice, now=now).opted_out


def started_message(notice: UpdateNotice) -> str:
    """Say what publishing did: scheduled for a time, or sending."""
    if notice.status == UpdateNotice.Status.SCHEDULED:
        when = f"{timezone.localtime(notice.publish_at):%Y-%m-%d %H:%M %Z}"
        return gettext("Scheduled: it goes out %(when)s.") % {"when": when}
    return gettext("Sending has started.")


def retried_message(count: int) -> str:
    """Say how many failed emails were queued again."""
    return ngettext("%(count)d email queued again.", "%(count)d emails queued again.", count) % {
        "count": count
    }


def _report_lines(notice: UpdateNotice):
    yield list(REPORT_COLUMNS)
    yield from update_notice_report_rows(notice)
