"""The staff queue of cases and the case page (issue 5, Deliver 7).

The admin never edits a case's fields: the change form opens read-only for everyone, and every
change goes through a case service, from the queue's actions or the case page's action forms.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from cases.admin.badges import sla_badge
from cases.admin.case_page import CasePageMixin
from cases.admin.filters import AssigneeFilter, SlaRiskFilter
from cases.admin.permissions import may_log_phone_case, may_work
from cases.admin.phone_page import PhoneCaseMixin
from cases.models import Case
from cases.services import case_assign, case_triage
from cases.services.clocks import case_support_calendar
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
class CaseAdmin(CasePageMixin, PhoneCaseMixin, admin.ModelAdmin):
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

    def get_urls(self):
        return [*self.case_page_urls(), *super().get_urls()]

    def get_queryset(self, request: HttpRequest):
        return super().get_queryset(request).visible_to(request.user)

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
        return self._badge(case, case.response_state, case.response_due_at, case.response_warned)

    @admin.display(description=gettext_lazy("resolution"), ordering="resolution_due_at")
    def resolution_badge(self, case: Case) -> str:
        return self._badge(
            case, case.resolution_state, case.resolution_due_at, case.resolution_warned
        )
