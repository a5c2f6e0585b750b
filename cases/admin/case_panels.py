"""The case page's action bar and the one action panel open under it.

The bar lists the actions this staff member may use on the case now (CASE_ACTIONS: allowed and
applies). Each button loads its form in place (htmx, from the panel URL) or, without
JavaScript, opens the page with that panel (?action=<name>). Forms that need a list (the staff
to assign to, the canned replies) read it only when their panel is opened.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django import forms
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.admin.actions import CASE_ACTIONS, CaseAction
from cases.admin.case_canned import canned_fill, canned_values
from cases.admin.forms import focus_first
from cases.models import CannedReply, Case
from cases.selectors import canned_reply_get_active, canned_reply_list_for_staff
from contracts.models import User


def with_query(url: str, **params: str) -> str:
    """Return the URL with the non-empty parameters as its query string."""
    query = urlencode({key: value for key, value in params.items() if value})
    return f"{url}?{query}" if query else url


@dataclass(frozen=True)
class ActionButton:
    """One button of the action bar, and where its form is loaded from and sent to."""

    action: CaseAction
    url: str
    panel_url: str
    open_url: str
    page_url: str
    keep: str = ""

    @property
    def name(self) -> str:
        return self.action.name


_SLOT = "__action__"


def _button_maker(case: Case, keep: str):
    """Return a function building the button of an action by name; URLs reversed once."""
    page = reverse("admin:cases_case_change", args=[case.pk])
    act = with_query(
        reverse("admin:cases_case_act", args=[case.pk, _SLOT]), _changelist_filters=keep
    )
    panel = with_query(
        reverse("admin:cases_case_panel", args=[case.pk, _SLOT]), _changelist_filters=keep
    )
    opened = with_query(page, action=_SLOT, _changelist_filters=keep)
    page_url = with_query(page, _changelist_filters=keep)

    def button(name: str) -> ActionButton:
        return ActionButton(
            action=CASE_ACTIONS[name],
            # The slot comes before the kept filters in each URL: only it is replaced.
            url=act.replace(_SLOT, name, 1),
            panel_url=panel.replace(_SLOT, name, 1),
            open_url=opened.replace(_SLOT, name, 1),
            page_url=page_url,
            keep=keep,
        )

    return button


def action_button(case: Case, name: str, *, keep: str = "") -> ActionButton:
    """Return the bar's button of one action; `keep` is the queue's filters, kept throughout."""
    return _button_maker(case, keep)(name)


def action_buttons(user: User, case: Case, *, keep: str = "") -> list[ActionButton]:
    """Return the actions this staff member may use on the case in its present state."""
    button = _button_maker(case, keep)
    return [
        button(name)
        for name, action in CASE_ACTIONS.items()
        if action.allowed(user, case) and action.applies(case)
    ]


@dataclass
class ActionPanel:
    """The open action: its (possibly refused) form and, for a reply, the canned replies."""

    button: ActionButton
    form: forms.Form
    canned_groups: list[tuple[str, list[CannedReply]]] = field(default_factory=list)
    canned_url: str = ""

    @property
    def refused(self) -> bool:
        return self.form.is_bound and bool(self.form.errors)


_OTHER_LANGUAGES = gettext_lazy("Other languages")


def _canned_groups(user: User) -> list[tuple[str, list[CannedReply]]]:
    replies = canned_reply_list_for_staff(user)
    own = [reply for reply in replies if reply.language == user.language]
    others = [reply for reply in replies if reply.language != user.language]
    groups = [(_("In your language"), own), (str(_OTHER_LANGUAGES), others)]
    return [(label, items) for label, items in groups if items]


def canned_text(case: Case, canned_id: str) -> str | None:
    """Return the canned reply with this id filled for the case; None if no such reply in use."""
    if not canned_id.isdecimal():
        return None
    reply = canned_reply_get_active(int(canned_id))
    return None if reply is None else canned_fill(reply.body, canned_values(case))


def action_panel(
    user: User,
    case: Case,
    button: ActionButton,
    *,
    form: forms.Form | None = None,
    canned_id: str = "",
) -> ActionPanel:
    """Return the panel of one action: the refused form given, else a fresh one."""
    if form is None:
        form = button.action.form(user, case)
        filled = canned_text(case, canned_id) if button.name == "reply" else None
        if filled is not None:
            form.initial["body"] = filled
    focus_first(form)
    panel = ActionPanel(button=button, form=form)
    if button.name == "reply":
        panel.canned_groups = _canned_groups(user)
        panel.canned_url = reverse("admin:cases_case_canned", args=[case.pk])
    return panel


def reply_body_field(user: User, case: Case, text: str) -> forms.BoundField:
    """Return the reply form's text box holding `text`, as the reply panel renders it."""
    form = CASE_ACTIONS["reply"].form(user, case)
    form.initial["body"] = text
    return form["body"]
