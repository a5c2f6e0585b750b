"""Forms of the case page's actions; each only parses input for one case service."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from cases.models import Case, Category, Exclusion
from common.limits import COMMENT_MAX_CHARS, REASON_MAX_CHARS, REFERENCE_MAX_CHARS, max_chars
from contracts.models import User
from sla.clocks import ResolutionKind
from sla.models import Priority


def _text(
    label, *, limit: int, rows: int = 4, required: bool = True, help_text: str = ""
) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        help_text=help_text,
        validators=[max_chars(limit)],
        widget=forms.Textarea(attrs={"rows": rows, "cols": 80}),
    )


class ReplyForm(forms.Form):
    VISIBILITY = [
        ("public", _("Public reply: the customer sees it (the first one is the response)")),
        ("internal", _("Internal note: staff only")),
    ]
    body = _text(_("Message"), limit=COMMENT_MAX_CHARS)
    visibility = forms.ChoiceField(
        label=_("Visible to"), choices=VISIBILITY, initial="public", widget=forms.RadioSelect
    )


class TriageForm(forms.Form):
    priority = forms.ChoiceField(label=_("Priority (SLP-4)"), choices=Priority.choices)
    category = forms.ChoiceField(
        label=_("Category"),
        required=False,
        choices=[
            ("", _("Keep as it is")),
            (Category.QUESTION, Category.QUESTION.label),
            (Category.PROBLEM, Category.PROBLEM.label),
        ],
    )

    def __init__(self, *args, case: Case, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["priority"].initial = case.priority or case.proposed_priority


class StartWorkForm(forms.Form):
    """No input: the button is the action."""


class RequestInformationForm(forms.Form):
    body = _text(
        _("What do you need from the customer?"),
        limit=COMMENT_MAX_CHARS,
        help_text=_("The resolution clock waits until the customer answers (SLP-8)."),
    )


class ResolveForm(forms.Form):
    KINDS = [
        (ResolutionKind.SETTLED, _("(i) Settled: the incident is solved")),
        (ResolutionKind.PLAN, _("(ii) A timeline or plan for a later update or upgrade")),
        (
            ResolutionKind.NOT_A_DEFECT,
            _("(iii) Not a bug or defect, or cannot be resolved within the target"),
        ),
    ]
    kind = forms.ChoiceField(label=_("Resolution (SLP-10)"), choices=KINDS)
    body = _text(_("Resolution, as the customer will read it"), limit=COMMENT_MAX_CHARS)
    plan = _text(
        _("Plan and its timeline"),
        limit=COMMENT_MAX_CHARS,
        rows=3,
        required=False,
        help_text=_("Required for (ii)."),
    )

    def clean(self) -> dict:
        data = super().clean()
        plan_missing = "plan" not in self.errors and not (data.get("plan") or "").strip()
        if data.get("kind") == ResolutionKind.PLAN and plan_missing:
            self.add_error("plan", _("A resolution of kind (ii) needs the plan and its timeline."))
        return data


class ClassifyForm(forms.Form):
    KINDS = [
        ("bug", _("Software bug (SLP-7): the resolution target is withdrawn")),
        ("defect", _("Defect (SLP-7): the resolution target is withdrawn")),
        (Category.OUT_OF_SCOPE, _("Out of scope (SLP-16): the case is withdrawn")),
    ]
    kind = forms.ChoiceField(label=_("Classify as"), choices=KINDS, widget=forms.RadioSelect)
    reference = forms.CharField(
        label=_("Bug or defect reference"),
        required=False,
        validators=[max_chars(REFERENCE_MAX_CHARS)],
    )
    exclusion = forms.ChoiceField(
        label=_("Exclusion (SLP-16)"),
        required=False,
        choices=[("", "---------"), *Exclusion.choices],
    )
    explanation = _text(
        _("Explanation to the customer: why, and where to go"),
        limit=COMMENT_MAX_CHARS,
        rows=3,
        required=False,
    )

    def clean(self) -> dict:
        data = super().clean()
        kind = data.get("kind")
        if kind in ("bug", "defect") and not (data.get("reference") or "").strip():
            self.add_error("reference", _("Give the bug or defect reference."))
        if kind == Category.OUT_OF_SCOPE:
            if not data.get("exclusion"):
                self.add_error("exclusion", _("Choose the SLP-16 exclusion that applies."))
            if not (data.get("explanation") or "").strip():
                self.add_error("explanation", _("Explain to the customer why and where to go."))
        return data


class EscalateForm(forms.Form):
    reason = _text(
        _("Reason for the escalation"),
        limit=REASON_MAX_CHARS,
        rows=3,
        help_text=_("Required (SLP-12); the next level receives it with the case number."),
    )


class ReopenForm(forms.Form):
    reason = _text(_("Why is the case reopened?"), limit=REASON_MAX_CHARS, rows=3)


class CloseForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("The customer has what they need: close the case"), required=True
    )


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(
        label=_("Assign to"), queryset=User.objects.none(), required=False, empty_label=_("Nobody")
    )

    def __init__(self, *args, user: User, anyone: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["assignee"]
        if anyone:
            field.queryset = User.objects.filter(is_staff=True, is_active=True).order_by("email")
        else:
            # Without the right to assign others, a staff member can only take the case.
            field.queryset = User.objects.filter(pk=user.pk)
            field.required = True
            field.initial = user.pk


class AttachForm(forms.Form):
    file = forms.FileField(label=_("File"))
    public = forms.BooleanField(label=_("Visible to the customer"), required=False, initial=True)


def errors_onto(form: forms.Form, exc: ValidationError) -> list[str]:
    """Put a service's field errors next to the form's fields; return the others' messages."""
    if not hasattr(exc, "error_dict"):
        return list(exc.messages)
    others = []
    for field, errors in exc.error_dict.items():
        if field in form.fields:
            form.add_error(field, errors)
        else:
            others += [message for error in errors for message in error.messages]
    return others


def focus_first(form: forms.Form) -> None:
    """Put the keyboard focus on the first field in error, else on the first field."""
    names = [name for name in form.fields if name in form.errors] or list(form.fields)[:1]
    for name in names[:1]:
        form.fields[name].widget.attrs["autofocus"] = True
