"""The update notice admin: write, preview, publish or schedule, follow delivery (SLP-14)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from notices.admin.display import (
    RESUME,
    notice_next_step,
    notice_state_label,
    progress_bar,
)
from notices.admin.forms import UpdateNoticeForm
from notices.admin.pages import TEMPLATES, NoticePagesMixin, retried_message, step_label
from notices.admin.permissions import staff_may_send_notices
from notices.models import UpdateNotice
from notices.selectors import (
    update_notice_audience_size,
    update_notice_overdue,
    update_notice_progress,
    update_notices_progress,
)
from notices.services.fanout import update_notice_retry_failed
from notices.services.publish import update_notice_save, update_notice_start


@admin.register(UpdateNotice)
class UpdateNoticeAdmin(NoticePagesMixin, admin.ModelAdmin):
    form = UpdateNoticeForm
    list_display = [
        "title_en",
        "kind",
        "state",
        "publish_at",
        "published_at",
        "recipients_count",
        "progress",
    ]
    list_filter = ["kind", "status"]
    search_fields = ["title_en", "title_fr"]
    date_hierarchy = "created_at"
    readonly_fields = ["state", "created_by", "published_at", "sent_at", "recipients_count"]
    actions = ["publish_selected", "retry_failed"]

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

    def has_publish_permission(self, request) -> bool:
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
        if "_publish" in request.POST:
            # Saved first, so the confirmation counts the audience of what was just written.
            return redirect("admin:notices_updatenotice_publish", obj.pk)
        return super().response_change(request, obj)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context.update(self._notice_context(request, obj))
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _notice_context(self, request, notice: UpdateNotice) -> dict:
        now = timezone.now()
        step = notice_next_step(notice, now=now) if staff_may_send_notices(request.user) else None
        return {
            "notice_links": _links(notice.pk),
            "overdue": update_notice_overdue(notice, now=now),
            "step": step,
            "step_label": step_label(step),
        }

    # --- the changelist: a state that says "not sent", progress without N+1 ---

    def get_changelist_instance(self, request):
        # One query counts the deliveries of every row (no N+1 from the progress column).
        changelist = super().get_changelist_instance(request)
        notices = list(changelist.result_list)
        progress = update_notices_progress(notices)
        for notice in notices:
            notice.delivery_progress = progress[notice.pk]
        return changelist

    @admin.display(description=_("status"), ordering="status")
    def state(self, obj: UpdateNotice) -> str:
        return notice_state_label(obj, now=timezone.now())

    @admin.display(description=_("progress"))
    def progress(self, obj: UpdateNotice) -> str:
        if obj.status in (UpdateNotice.Status.DRAFT, UpdateNotice.Status.SCHEDULED):
            return "-"
        progress = getattr(obj, "delivery_progress", None) or update_notice_progress(obj)
        return progress_bar(progress)

    # --- actions ---

    @admin.action(
        description=_("Retry the failed emails of the selected notices"), permissions=["retry"]
    )
    def retry_failed(self, request, queryset) -> None:
        count = sum(update_notice_retry_failed(notice=notice) for notice in queryset)
        self.message_user(request, retried_message(count), messages.SUCCESS)

    @admin.action(
        description=_("Publish or schedule the selected notices"), permissions=["publish"]
    )
    def publish_selected(self, request, queryset):
        if request.POST.get("post") == "yes":
            return self._publish_selected(request, queryset)
        rows = _bulk_rows(queryset, now=timezone.now())
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Publish the selected notices?"),
            "rows": rows,
            "publishable": any(row["step"] for row in rows),
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, f"{TEMPLATES}/publish_selected_confirmation.html", context)

    def _publish_selected(self, request, queryset) -> None:
        now = timezone.now()
        started = {"sending": 0, "scheduled": 0}
        for notice in queryset.order_by("pk"):
            step = _bulk_step(notice, now)
            if step is None:
                continue
            if request.POST.get(f"step-{notice.pk}") != step:
                # Changed since the confirmation was shown: never do what nobody confirmed.
                text = gettext("%(notice)s changed since the confirmation: it was left as it is.")
                self.message_user(request, text % {"notice": notice}, messages.WARNING)
                continue
            try:
                notice = update_notice_start(notice=notice, now=now)
            except ValidationError as exc:
                text = " ".join(exc.messages)
                self.message_user(request, f"{notice}: {text}", messages.ERROR)
                continue
            scheduled = notice.status == UpdateNotice.Status.SCHEDULED
            started["scheduled" if scheduled else "sending"] += 1
        self._say_started(request, **started)

    def _say_started(self, request, *, sending: int, scheduled: int) -> None:
        if sending:
            text = ngettext(
                "%(count)d notice is being sent.", "%(count)d notices are being sent.", sending
            )
            self.message_user(request, text % {"count": sending}, messages.SUCCESS)
        if scheduled:
            text = ngettext(
                "%(count)d notice is scheduled.", "%(count)d notices are scheduled.", scheduled
            )
            self.message_user(request, text % {"count": scheduled}, messages.SUCCESS)
        if not sending and not scheduled:
            self.message_user(request, gettext("No notice was published."), messages.WARNING)

    def get_urls(self):
        return [*self.notice_urls(), *super().get_urls()]


def _bulk_rows(queryset, *, now) -> list[dict]:
    """Return, per selected notice, what publishing does and whom it reaches."""
    rows = []
    for notice in queryset.order_by("pk"):
        step = _bulk_step(notice, now)
        audience = update_notice_audience_size(notice, now=now) if step else None
        rows.append(
            {"notice": notice, "step": step, "step_label": step_label(step), "audience": audience}
        )
    return rows


def _bulk_step(notice: UpdateNotice, now) -> str | None:
    # A notice being sent is resumed from its own page, not in bulk with drafts.
    step = notice_next_step(notice, now=now)
    return None if step == RESUME else step


def _links(object_id: int) -> dict[str, str]:
    return {
        name: reverse(f"admin:notices_updatenotice_{name}", args=[object_id])
        for name in ("preview", "progress", "report", "publish", "unschedule")
    }
