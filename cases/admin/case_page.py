"""The staff case page: the case with its clocks, timeline and actions (a CaseAdmin mixin)."""

from __future__ import annotations

import copy

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases.admin.actions import CASE_ACTIONS
from cases.admin.forms import errors_onto
from cases.admin.page import case_page_context


class CasePageMixin:
    """The change view of CaseAdmin, shown read-only, and the POST of each case action."""

    def case_page_urls(self) -> list:
        act = self.admin_site.admin_view(require_POST(self.act_view))
        return [path("<path:object_id>/act/<slug:action>/", act, name="cases_case_act")]

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
