"""Adding a case in the admin is logging a phone case (a CaseAdmin mixin)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from cases.admin.forms import errors_onto
from cases.admin.phone import OrganizationChoiceForm, PhoneCaseForm
from cases.models import Case
from cases.services import CaseNotEligible
from contracts.models import Organization


class PhoneCaseMixin:
    """The add view of CaseAdmin: two steps, organisation then the call."""

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
