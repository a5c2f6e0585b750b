"""Who may change what in the contracts admin: every staff member looks, contract admins edit."""

from __future__ import annotations

from contracts.roles import StaffRole


def staff_is_contract_admin(user) -> bool:
    """Tell whether the staff member may edit customers, contracts and releases."""
    if not (user.is_active and user.is_staff):
        return False
    if user.is_superuser:
        return True
    # Asked many times per admin page; the answer is kept on the user object.
    if not hasattr(user, "_is_contract_admin"):
        group = StaffRole.CONTRACT_ADMINISTRATOR.label_en
        user._is_contract_admin = user.groups.filter(name=group).exists()
    return user._is_contract_admin


class ContractAdministratorEdits:
    """Every staff member may look; contract administrators edit; only superusers delete."""

    def has_module_permission(self, request) -> bool:
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.is_active and request.user.is_staff

    def has_add_permission(self, request, *args) -> bool:
        return staff_is_contract_admin(request.user) or super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None) -> bool:
        return staff_is_contract_admin(request.user) or super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser
