"""The staff queue of cases (issue 14): the Case changelist, with its own view and templates.

The stock changelist is replaced: its per-cell rendering, its counts and its filter panel cost
more than a page of 50 cases does, and it cannot fit 1280 px. The queue reads one query string
(cases.admin.queue_query), one query for its rows and one for their calendars, and renders them
in plain templates, in the admin's frame without its app list (CasePageMixin.frame_context);
htmx swaps the table when a filter changes, and the same URLs work as plain GETs without
JavaScript.

The admin never edits a case's fields: the change form opens read-only for everyone, and every
change goes through a case service, from the queue's bulk actions or the case page's forms.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from cases.admin import queue_page
from cases.admin.case_page import CasePageMixin
from cases.admin.permissions import may_assign_anyone, may_log_phone_case, may_work
from cases.admin.phone_page import PhoneCaseMixin
from cases.admin.queue_bulk import BULK_ACTIONS, BulkForm, bulk_actions_for, bulk_messages, bulk_run
from cases.admin.queue_choices import options_html, staff_options
from cases.admin.queue_export import queue_csv_response
from cases.admin.queue_query import (
    DEFAULT_PER_PAGE,
    QueueQuery,
    queue_cases,
    queue_export_cases,
    queue_page_read,
)
from cases.admin.queue_rows import queue_rows, queue_rows_html
from cases.admin.saved_views import saved_view_delete, saved_view_save
from cases.models import Case, SavedView
from sla.models import Priority

_FIELDSETS = [
    (
        None,
        {
            "fields": [
                "number",
                "title",
                "status",
                "priority",
                "proposed_priority",
                "category",
                "exclusion",
                "defect_reference",
                "assignee",
                "escalation_level",
            ]
        },
    ),
    (
        gettext_lazy("Customer"),
        {
            "fields": [
                "channel",
                "organization",
                "end_customer",
                "site",
                "release",
                "patch",
                "reporter",
                "contact",
            ]
        },
    ),
    (
        gettext_lazy("Problem"),
        {"fields": ["description", "environment", "steps", "business_impact"]},
    ),
    (
        gettext_lazy("Service level"),
        {
            "fields": [
                "policy_version",
                "calendar",
                "received_at",
                "response_state",
                "response_due_at",
                "resolution_state",
                "resolution_due_at",
                "next_update_due_at",
                "resolved_at",
                "closed_at",
                "updated_at",
            ]
        },
    ),
]


@admin.register(Case)
class CaseAdmin(CasePageMixin, PhoneCaseMixin, admin.ModelAdmin):
    fieldsets = _FIELDSETS

    def get_urls(self):
        view = self.admin_site.admin_view
        queue = [
            path("bulk/", view(require_POST(self.bulk_view)), name="cases_case_bulk"),
            path("export/", view(require_GET(self.export_view)), name="cases_case_export"),
            path("views/save/", view(require_POST(self.view_save)), name="cases_case_view_save"),
            path(
                "views/<int:pk>/delete/",
                view(require_POST(self.view_delete)),
                name="cases_case_view_delete",
            ),
        ]
        # Before the admin's own "<path:object_id>/..." patterns, which would take them.
        return [*queue, *self.case_page_urls(), *super().get_urls()]

    def get_queryset(self, request: HttpRequest):
        return super().get_queryset(request).visible_to(request.user)

    # --- permissions: reading is by role; the form is never saved; nothing is deleted ---

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return may_log_phone_case(request.user)

    # --- the queue ---

    def _require_view(self, request: HttpRequest) -> None:
        if not self.has_view_permission(request):
            raise PermissionDenied

    def _cases(self, request: HttpRequest, query: QueueQuery, now):
        return queue_cases(self.get_queryset(request), query, user=request.user, now=now)

    def changelist_view(self, request: HttpRequest, extra_context=None) -> HttpResponse:
        """Show the queue; an htmx request (a filter, a sort, a page) gets the table alone."""
        if request.method != "GET":
            return HttpResponse(status=405, headers={"Allow": "GET"})
        self._require_view(request)
        query, form = QueueQuery.parse(request.GET)
        now = timezone.now()
        page = queue_page_read(self._cases(request, query, now), query)
        fragment = (
            request.headers.get("HX-Request") == "true"
            and "HX-Boosted" not in request.headers
            and "HX-History-Restore-Request" not in request.headers
        )
        context = {**self._queue_context(request, query, form, page, now), "fragment": fragment}
        if fragment:
            response = TemplateResponse(request, "admin/cases/case/_queue_results.html", context)
        else:
            context = {**self.frame_context(request), **context, **(extra_context or {})}
            response = TemplateResponse(request, "admin/cases/case/change_list.html", context)
        patch_vary_headers(response, ["HX-Request"])
        return response

    def _queue_context(self, request, query: QueueQuery, form, page, now) -> dict:
        user = request.user
        builtin, personal = queue_page.queue_tabs(query, user)
        may_bulk = may_work(user)
        current = next((tab for tab in [*personal, *builtin] if tab.active), None)
        queue_url = reverse("admin:cases_case_changelist")
        rows = queue_rows(page, now=now, change_prefix=queue_url)
        return {
            "opts": self.opts,
            "title": current.name if current else query.base_view.name,
            "has_add_permission": self.has_add_permission(request),
            "query": query,
            "form_errors": queue_page.other_errors(form),
            "queue_url": queue_url,
            "rows": rows,
            "rows_html": queue_rows_html(rows, selectable=may_bulk),
            "page": page,
            **queue_page.queue_pager(query, page),
            "columns": queue_page.queue_columns(query),
            "filters": queue_page.queue_filters(query, form),
            "search_error": " ".join(form.errors.get("q", [])),
            "per_page_options": queue_page.per_page_options(query),
            "default_per_page": DEFAULT_PER_PAGE,
            "builtin_views": builtin,
            "personal_views": personal,
            "saved_query": query.saved(),
            "return_query": query.query_string(),
            "first_page_query": query.query_string(page=1),
            "unsorted_query": query.query_string(sort="", page=1),
            "export_url": _with_query(
                reverse("admin:cases_case_export"), query.query_string(page=1)
            ),
            "may_bulk": may_bulk,
            "bulk_actions": bulk_actions_for(user) if may_bulk else [],
            "assignee_options": self._assignee_options(user) if may_bulk else "",
            "priority_options": options_html(
                [("", _("Priority…")), *((p, p) for p in Priority.values)], ""
            ),
        }

    def _assignee_options(self, user) -> str:
        if not may_assign_anyone(user):
            return ""
        head = options_html([("", _("Assign to…")), ("none", _("Nobody (unassign)"))], "")
        return head + staff_options()

    def _back(self, request: HttpRequest, query: str = "") -> HttpResponseRedirect:
        """Return to the queue with the query string the page had (a query string only)."""
        if len(query) > 2_000:
            query = ""
        parsed, _form = QueueQuery.parse(_query_dict(query))
        url = reverse("admin:cases_case_changelist")
        return HttpResponseRedirect(_with_query(url, parsed.query_string()))

    # --- bulk actions, saved views, export ---

    def bulk_view(self, request: HttpRequest) -> HttpResponse:
        """Run one bulk action on the selected cases; report each outcome on the queue."""
        self._require_view(request)
        if not may_work(request.user):
            raise PermissionDenied
        form = BulkForm(request.POST)
        action = BULK_ACTIONS.get(request.POST.get("action", ""))
        if action is not None and action.anyone and not may_assign_anyone(request.user):
            raise PermissionDenied
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    self.message_user(request, error, messages.ERROR)
            return self._back(request, request.POST.get("next", ""))
        data = {**form.cleaned_data, "by": request.user}
        cases = list(self.get_queryset(request).filter(pk__in=data["cases"]).order_by("number"))
        outcome = bulk_run(action, cases, by=request.user, data=data)
        for level, text in bulk_messages(action, outcome, data=data):
            self.message_user(request, text, level)
        return self._back(request, request.POST.get("next", ""))

    def export_view(self, request: HttpRequest) -> HttpResponse:
        """Stream the current view (every page, same filters and order) as CSV."""
        self._require_view(request)
        query, _form = QueueQuery.parse(request.GET)
        cases = queue_export_cases(self._cases(request, query, timezone.now()))
        return queue_csv_response(cases, filename_stem="cases")

    def view_save(self, request: HttpRequest) -> HttpResponse:
        """Save the current filters under a name, as one of the staff member's own views."""
        self._require_view(request)
        query, _form = QueueQuery.parse(_query_dict(request.POST.get("query", "")))
        try:
            view, created = saved_view_save(
                owner=request.user, name=request.POST.get("name", ""), query=query.saved()
            )
        except ValidationError as exc:
            for message in exc.messages:
                self.message_user(request, message, messages.ERROR)
            return self._back(request, query.saved())
        done = _("View “%(name)s” saved.") if created else _("View “%(name)s” updated.")
        self.message_user(request, done % {"name": view.name}, messages.SUCCESS)
        return self._back(request, view.query)

    def view_delete(self, request: HttpRequest, pk: int) -> HttpResponse:
        """Delete one of the staff member's own views (another's answers 404)."""
        self._require_view(request)
        try:
            view = saved_view_delete(owner=request.user, pk=pk)
        except SavedView.DoesNotExist:
            raise Http404(_("No such view.")) from None
        self.message_user(request, _("View “%(name)s” deleted.") % {"name": view.name})
        return self._back(request, request.POST.get("next", ""))


def _with_query(url: str, query: str) -> str:
    return f"{url}?{query}" if query else url


def _query_dict(query: str) -> QueryDict:
    return QueryDict(query.removeprefix("?"), mutable=False)
