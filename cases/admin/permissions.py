"""What staff may do with cases, as Django permissions granted per staff role (portal.staff_roles).

The case form itself is never editable: staff change a case only through the services, and
each action on the case page and in the queue asks one of these permissions.
"""

from __future__ import annotations

from cases.models import Case, EscalationLevel

VIEW = "cases.view_case"
LOG_PHONE_CASE = "cases.add_case"
WORK = "cases.work_case"
WORK_ESCALATED = "cases.work_escalated_case"
ASSIGN = "cases.assign_case"
ESCALATE = "cases.escalate_case"

# (codename, name) of the permissions the Case model does not declare; created on the Case
# content type by portal.staff_roles when it syncs the staff groups. Names are stored in the
# database in English, like Django's own "Can view case".
CUSTOM_PERMISSIONS: tuple[tuple[str, str], ...] = (
    (
        "work_case",
        "Can work cases: reply, note, triage, request information, resolve, classify, "
        "reopen, close, take",
    ),
    ("work_escalated_case", "Can work escalated cases only"),
    ("assign_case", "Can assign cases to any staff member"),
    ("escalate_case", "Can escalate cases on the customer's behalf"),
)


def may_work(user, case: Case | None = None) -> bool:
    """Tell whether the staff member may act on this case (or, without one, on cases at all)."""
    if not (user.is_active and user.is_staff):
        return False
    if user.has_perm(WORK):
        return True
    escalated = case is not None and case.escalation_level > EscalationLevel.NONE
    return escalated and user.has_perm(WORK_ESCALATED)


def may_assign_anyone(user) -> bool:
    """Tell whether the staff member may give cases to others, not only take them."""
    return user.is_active and user.is_staff and user.has_perm(ASSIGN)


def may_escalate(user) -> bool:
    """Tell whether the staff member may escalate a case on the customer's behalf (SLP-12)."""
    return user.is_active and user.is_staff and user.has_perm(ESCALATE)


def may_log_phone_case(user) -> bool:
    """Tell whether the staff member may open a case for a customer who called (SLP-13)."""
    return user.is_active and user.is_staff and user.has_perm(LOG_PHONE_CASE)
