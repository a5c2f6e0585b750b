"""The staff case page (a CaseAdmin mixin): header, action bar, timeline, side panel.

The admin's change form is never used: the page is our own template in the admin's frame,
and every change is one action POSTed to act_view, which calls a case service. The small GET
endpoints serve what the page loads in place (htmx): an action's form, the clocks'
explanation, the presence notices, a canned reply's text.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cases.admin.actions import CASE_ACTIONS
from cases.admin.case_context import case_page_context
from cases.admin.case_panels import (
    ActionButton,
    ActionPanel,
    action_button,
    action_buttons,
    action_panel,
    canned_text,
    reply_body_field,
    with_query,
)
from cases.admin.forms import errors_onto
from cases.admin.page import clocks_context
from cases.admin.presence import POLL_SECONDS, changes_since, presence_touch
from cases.models import Case
from cases.selectors import case_all_events, case_exists_for_user, case_get_for_staff_page

_TEMPLATES = "admin/cases/case/"


def _pk(object_id: str) -> int | None:
    value = unquote(object_id)
    return int(value) if value.isdecimal() else None


def _keep(request: HttpRequest) -> str:
    """Return the queue's filters the page was opened from, kept to go back to them."""
    return request.GET.get("_changelist_filters", "")


class CasePageMixin:
    """The change view of CaseAdmin, its in-place fragments, and the POST of each action."""

    def case_page_urls(self) -> list:
        def url(route: str, view, method, name: str):
            return path(
                f"<path:object_id>/{route}", self.admin_site.admin_view(method(view)), name=name
            )

        return [
            url("act/<slug:action>/", self.act_view, require_POST, "cases_case_act"),
            url("panel/<slug:action>/", self.panel_view, require_GET, "cases_case_panel"),
            url("clocks/", self.clocks_view, require_GET, "cases_case_clocks"),
            url("presence/", self.presence_view, require_GET, "cases_case_presence"),
            url("canned/", self.canned_view, require_GET, "cases_case_canned"),
        ]

    # --- the page, and the actions' POST ---

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method not in ("GET", "HEAD"):
            # Nothing is saved through the admin's form: every change is an action.
            raise PermissionDenied
        pk = _pk(object_id)
        case = None if pk is None else case_get_for_staff_page(request.user, pk)
        if case is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_view_permission(request, case):
            raise PermissionDenied
        button = self._button(request, case, request.GET.get("action", ""))
        panel = None
        if button is not None:
            canned = request.GET.get("canned", "")
            panel = action_panel(request.user, case, button, canned_id=canned)
        explain = "explain" in request.GET
        return self._case_page(request, case, panel=panel, explain=explain, extra=extra_context)

    def act_view(self, request: HttpRequest, object_id: str, action: str) -> HttpResponse:
        """Run one action of the case page through its service, or show the page with errors."""
        case = self._case(request, object_id)
        spec = CASE_ACTIONS.get(action)
        if spec is None:
            raise Http404(_("No such case or action."))
        if not spec.allowed(request.user, case):
            raise PermissionDenied
        form = spec.form(request.user, case, request.POST, request.FILES)
        if form.is_valid():
            try:
                done = spec.run(case, request.user, form.cleaned_data)
            except ValidationError as exc:
                for message in errors_onto(form, exc):
                    form.add_error(None, message)
            else:
                self.message_user(request, f"{case.number}: {done}", messages.SUCCESS)
                page = reverse("admin:cases_case_change", args=[case.pk])
                return HttpResponseRedirect(with_query(page, _changelist_filters=_keep(request)))
        note = _("%(action)s: please correct the errors below.") % {"action": spec.button}
        link = format_html('<a href="#action-{}">{}</a>', action, note)
        self.message_user(request, link, messages.ERROR)
        # Shown again even if the case moved on meanwhile: the person's input is kept.
        button = action_button(case, action, keep=_keep(request))
        return self._case_page(
            request, case, panel=action_panel(request.user, case, button, form=form)
        )

    def _case_page(
        self,
        request: HttpRequest,
        case: Case,
        *,
        panel: ActionPanel | None = None,
        explain: bool = False,
        extra: dict | None = None,
    ) -> TemplateResponse:
        keep = _keep(request)
        buttons = action_buttons(request.user, case, keep=keep)
        context = case_page_context(case, buttons=buttons, panel=panel)
        if explain:
            context.update(clocks_context(case, context["case_events"], now=context["case_now_at"]))
        changelist = reverse("admin:cases_case_changelist")
        context.update(
            # As on the queue: the width goes to the timeline and the details, not the app list.
            self.frame_context(request),
            opts=self.opts,
            title=f"{case.number} · {case.title}",
            has_view_permission=True,
            case_explain=explain,
            case_viewers=presence_touch(case.pk, request.user),
            case_poll_seconds=POLL_SECONDS,
            case_back_url=f"{changelist}?{keep}" if keep else changelist,
            **(extra or {}),
        )
        return TemplateResponse(request, f"{_TEMPLATES}change_form.html", context)

    # --- what the page loads in place ---

    def panel_view(self, request: HttpRequest, object_id: str, action: str) -> HttpResponse:
        """Return one action's form, for the panel under the action bar."""
        case = self._case(request, object_id)
        spec = CASE_ACTIONS.get(action)
        if spec is None:
            raise Http404(_("No such case or action."))
        if not spec.allowed(request.user, case):
            raise PermissionDenied
        if not spec.applies(case):
            # The case moved on since the page was loaded (another agent, the customer).
            page = reverse("admin:cases_case_change", args=[case.pk])
            context = {"case": case, "case_page_url": page}
            return TemplateResponse(request, f"{_TEMPLATES}_case_panel_gone.html", context)
        button = action_button(case, action, keep=_keep(request))
        panel = action_panel(request.user, case, button)
        return TemplateResponse(request, f"{_TEMPLATES}_case_panel.html", {"case_panel": panel})

    def clocks_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Return both clocks' explanation: support minutes day by day, pauses, closed days."""
        case = self._case(request, object_id)
        context = clocks_context(case, list(case_all_events(case)), now=timezone.now())
        return TemplateResponse(request, f"{_TEMPLATES}_clocks.html", context)

    def presence_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Return the notices: who else has the case open, who changed it since `since`."""
        pk = _pk(object_id)
        if pk is None or not case_exists_for_user(request.user, pk):
            raise Http404(_("No such case or action."))
        if not self.has_view_permission(request):
            raise PermissionDenied
        since = request.GET.get("since", "")
        changes = changes_since(pk, int(since), user=request.user) if since.isdecimal() else []
        context = {
            "case_viewers": presence_touch(pk, request.user),
            "case_changes": changes,
            "case_presence_url": with_query(request.path, since=since),
            "case_page_url": reverse("admin:cases_case_change", args=[pk]),
            "case_poll_seconds": POLL_SECONDS,
        }
        return TemplateResponse(request, f"{_TEMPLATES}_case_presence.html", context)

    def canned_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Return the reply box filled with a canned reply's text, for this case."""
        case = self._case(request, object_id)
        if not CASE_ACTIONS["reply"].allowed(request.user, case):
            raise PermissionDenied
        text = canned_text(case, request.GET.get("canned", ""))
        if text is None:
            # No reply chosen (or retired meanwhile): htmx leaves the box as it is.
            return HttpResponse(status=204)
        return HttpResponse(str(reply_body_field(request.user, case, text)))

    # --- shared ---

    def frame_context(self, request: HttpRequest) -> dict:
        """Return the admin's frame for the queue and the case page: each_context, no app list.

        AdminSite.each_context also builds the navigation sidebar's list of apps (a permission
        check per registered model, and two role queries) on every page; these pages turn the
        sidebar off, so they leave it out. The keys are each_context's (a test keeps them so).
        """
        site = self.admin_site
        script_name = request.META.get("SCRIPT_NAME", "")
        return {
            "site_title": site.site_title,
            "site_header": site.site_header,
            "site_url": script_name if site.site_url == "/" and script_name else site.site_url,
            "has_permission": site.has_permission(request),
            "available_apps": [],
            "is_popup": False,
            "is_nav_sidebar_enabled": False,
            "log_entries": site.get_log_entries(request),
        }

    def _case(self, request: HttpRequest, object_id: str) -> Case:
        pk = _pk(object_id)
        case = None if pk is None else case_get_for_staff_page(request.user, pk)
        if case is None:
            raise Http404(_("No such case or action."))
        if not self.has_view_permission(request, case):
            raise PermissionDenied
        return case

    def _button(self, request: HttpRequest, case: Case, name: str) -> ActionButton | None:
        """Return the button of an action the staff member may use on the case now, else None."""
        spec = CASE_ACTIONS.get(name)
        if spec is None or not (spec.allowed(request.user, case) and spec.applies(case)):
            return None
        return action_button(case, name, keep=_keep(request))
