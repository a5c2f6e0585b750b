"""Who may write and publish update notices: support management and contract administrators."""

from __future__ import annotations

from contracts.roles import StaffRole


def staff_may_send_notices(user) -> bool:
    """Tell whether the staff member may write and publish update notices."""
    if not (user.is_active and user.is_staff):
        return False
    if user.is_superuser:
        return True
    # Asked many times per admin page; the answer is kept on the user object.
    if not hasattr(user, "_may_send_notices"):
        names = [StaffRole.SUPPORT_MANAGEMENT.label_en, StaffRole.CONTRACT_ADMINISTRATOR.label_en]
        user._may_send_notices = user.groups.filter(name__in=names).exists()
    return user._may_send_notices
