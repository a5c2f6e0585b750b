"""The staff queue of cases and the case page (issue 5, Deliver 7).

The admin never edits a case's fields: the change form opens read-only for everyone, and every
change goes through a case service, from the queue's actions or the case page's action forms.
"""

from __future__ import annotations

import copy
from collections.abc import Callable

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from cases.admin.actions import CASE_ACTIONS
from cases.admin.badges import sla_badge
from cases.admin.filters import AssigneeFilter, SlaRiskFilter, warned
from cases.admin.forms import errors_onto
from cases.admin.page import case_page_context
from cases.admin.permissions import may_log_phone_case, may_work
from cases.admin.phone import OrganizationChoiceForm, PhoneCaseForm
from cases.models import Case
from cases.services import CaseNotEligible, case_assign, case_triage
from cases.services.clocks import case_support_calendar
from contracts.models import Organization
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


def _each(
    modeladmin: CaseAdmin,
    request: HttpRequest,
    queryset,
    call: Callable[[Case], object],
    done: Callable[[int], str],
) -> None:
    """Call a service on each selected case; report what was done and each refusal."""
    count, refused = 0, []
    for case in queryset:
        try:
            call(case)
        except ValidationError as exc:
            refused.append(f"{case.number}: {' '.join(exc.messages)}")
        else:
            count += 1
    if count:
        modeladmin.message_user(request, done(count), messages.SUCCESS)
    for line in refused:
        modeladmin.message_user(request, line, messages.WARNING)


@admin.action(description=gettext_lazy("Assign to me"), permissions=["work"])
def assign_to_me(modeladmin: CaseAdmin, request: HttpRequest, queryset) -> None:
    user = request.user
    _each(
        modeladmin,
        request,
        queryset,
        lambda case: case_assign(case=case, by=user, assignee=user),
        lambda count: (
            ngettext("%(count)d case assigned to you.", "%(count)d cases assigned to you.", count)
            % {"count": count}
        ),
    )


def _set_priority(priority: Priority):
    def action(modeladmin: CaseAdmin, request: HttpRequest, queryset) -> None:
        _each(
            modeladmin,
            request,
            queryset,
            lambda case: case_triage(case=case, by=request.user, priority=priority.value),
            lambda count: (
                ngettext(
                    "%(count)d case set to %(priority)s.",
                    "%(count)d cases set to %(priority)s.",
                    count,
                )
                % {"count": count, "priority": priority.value}
            ),
        )

    action.__name__ = f"set_priority_{priority.value.lower()}"
    description = format_lazy("{} {}", gettext_lazy("Set priority"), priority.value)
    return admin.action(description=description, permissions=["work"])(action)


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    list_display = [
        "number",
        "title",
        "organization",
        "site",
        "priority_shown",
        "status",
        "assignee",
        "escalation_level",
        "response_badge",
        "resolution_badge",
    ]
    list_display_links = ["number", "title"]
    list_filter = [
        SlaRiskFilter,
        "priority",
        "status",
        "escalation_level",
        AssigneeFilter,
        "organization",
    ]
    search_fields = ["number", "title", "organization__name", "end_customer__name"]
    list_select_related = ["organization", "site", "assignee", "calendar"]
    list_per_page = 50
    actions = [assign_to_me, *(_set_priority(p) for p in Priority)]
    fieldsets = _FIELDSETS

    def get_queryset(self, request: HttpRequest):
        return (
            super()
            .get_queryset(request)
            .visible_to(request.user)
            .annotate(response_warned=warned("response"), resolution_warned=warned("resolution"))
        )

    # --- permissions: reading is by role; the form is never saved; nothing is deleted ---

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return may_log_phone_case(request.user)

    def has_work_permission(self, request: HttpRequest) -> bool:
        return may_work(request.user)

    # --- the queue's columns ---

    @admin.display(description=gettext_lazy("priority"), ordering="priority")
    def priority_shown(self, case: Case) -> str:
        if case.priority:
            return case.priority
        return _("(%(p)s proposed)") % {"p": case.proposed_priority}

    def _badge(self, case: Case, state: str, due_at, warned_: bool) -> str:
        at_risk = warned_ or (
            case.sla_next_warn_at is not None and case.sla_next_warn_at <= timezone.now()
        )
        return sla_badge(
            state,
            due_at,
            now=timezone.now(),
            engine=case_support_calendar(case),
            zone=case.site.time_zone,
            at_risk=at_risk,
        ).html()

    @admin.display(description=gettext_lazy("response"), ordering="response_due_at")
    def response_badge(self, case: Case) -> str:
        warned_ = getattr(case, "response_warned", False)
        return self._badge(case, case.response_state, case.response_due_at, warned_)

    @admin.display(description=gettext_lazy("resolution"), ordering="resolution_due_at")
    def resolution_badge(self, case: Case) -> str:
        warned_ = getattr(case, "resolution_warned", False)
        return self._badge(case, case.resolution_state, case.resolution_due_at, warned_)

    # --- the case page and its actions ---

    def get_urls(self):
        act = self.admin_site.admin_view(require_POST(self.act_view))
        return [
            path("<path:object_id>/act/<slug:action>/", act, name="cases_case_act"),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        # A POST is refused by the admin itself (no change permission); _case_page brings its own.
        if request.method == "GET" and "case_timeline" not in extra_context:
            case = self.get_object(request, unquote(object_id))
            if case is not None and self.has_view_permission(request, case):
                extra_context = {**extra_context, **case_page_context(request.user, case)}
        return super().change_view(request, object_id, form_url, extra_context)

    def act_view(self, request: HttpRequest, object_id: str, action: str) -> HttpResponse:
        """Run one action of the case page through its service, or show the page with errors."""
        case = self.get_object(request, unquote(object_id))
        spec = CASE_ACTIONS.get(action)
        if case is None or spec is None:
            raise Http404(_("No such case or action."))
        if not (self.has_view_permission(request, case) and spec.allowed(request.user, case)):
            raise PermissionDenied
        form = spec.form(request.user, case, request.POST, request.FILES)
        if form.is_valid():
            try:
                done = spec.run(case, request.user, form.cleaned_data)
            except ValidationError as exc:
                for message in errors_onto(form, exc):
                    self.message_user(request, message, messages.ERROR)
            else:
                self.message_user(request, f"{case.number}: {done}", messages.SUCCESS)
                return HttpResponseRedirect(reverse("admin:cases_case_change", args=[case.pk]))
        if form.errors:
            self.message_user(request, _("Please correct the errors below."), messages.ERROR)
        return self._case_page(request, object_id, case, {action: form})

    def _case_page(self, request, object_id, case, bound) -> HttpResponse:
        # Shown again after a refused action: render it as a GET, so the admin's own
        # (read-only) form is never processed, with the refused form and its input kept.
        page_request = copy.copy(request)
        page_request.method = "GET"
        context = case_page_context(request.user, case, bound=bound)
        return super().change_view(page_request, object_id, extra_context=context)

    # --- adding is logging a phone case ---

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        organization = self._organization(request)
        if organization is None:
            form = OrganizationChoiceForm(request.GET or None)
            return self._phone_page(request, {"organization_form": form})
        form = PhoneCaseForm(request.POST or None, organization=organization)
        if request.method == "POST" and form.is_valid():
            created = self._phone_save(request, form)
            if created is not None:
                return HttpResponseRedirect(reverse("admin:cases_case_change", args=[created.pk]))
        return self._phone_page(request, {"form": form, "organization": organization})

    def _organization(self, request: HttpRequest) -> Organization | None:
        value = request.GET.get("organization", "")
        if not value.isdecimal():
            return None
        return OrganizationChoiceForm.base_fields["organization"].queryset.filter(pk=value).first()

    def _phone_save(self, request: HttpRequest, form: PhoneCaseForm) -> Case | None:
        withdrawn = "_withdrawn" in request.POST
        try:
            case = form.record_withdrawn(by=request.user) if withdrawn else form.open_case()
        except CaseNotEligible as exc:
            for message in exc.messages:
                form.add_error(None, message)
            self.message_user(
                request,
                _(
                    "Not covered. To keep a record, choose the exclusion and record it as withdrawn."
                ),
                messages.ERROR,
            )
            return None
        except ValidationError as exc:
            for message in errors_onto(form, exc):
                form.add_error(None, message)
            return None
        done = _("%(number)s recorded as withdrawn.") if withdrawn else _("%(number)s opened.")
        self.message_user(request, done % {"number": case.number}, messages.SUCCESS)
        return case

    def _phone_page(self, request: HttpRequest, context: dict) -> TemplateResponse:
        return TemplateResponse(
            request,
            "admin/cases/case/phone_case.html",
            {
                **self.admin_site.each_context(request),
                **context,
                "opts": self.opts,
                "title": _("Log a phone case"),
                "has_view_permission": self.has_view_permission(request),
            },
        )
