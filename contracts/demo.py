"""Demo people of the contracts app (DESIGN.md, Demo data: contract)."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import Group
from django.db import transaction

from contracts.models import User
from contracts.roles import StaffRole

DEMO_PASSWORD = "connect-demo"  # noqa: S105 - the published demo password (DESIGN.md)
# One published authenticator secret for every demo staff account, so the
# admin can be tried at once: add it to any TOTP app (or use `oathtool`).
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPCONNECTDEMO23456"  # noqa: S105


@dataclass(frozen=True)
class DemoLogin:
    email: str
    full_name: str
    staff_role: StaffRole | None = None
    superuser: bool = False
    language: str = "en"


DEMO_LOGINS: tuple[DemoLogin, ...] = (
    DemoLogin("admin@demo.test", "Ada Admin", superuser=True),
    DemoLogin("agent@demo.test", "Sam Agent", StaffRole.AGENT),
    DemoLogin("supervisor@demo.test", "Sue Supervisor", StaffRole.SUPERVISOR),
    DemoLogin("manager@demo.test", "Max Manager", StaffRole.SUPPORT_MANAGEMENT),
    DemoLogin("sponsor@demo.test", "Sophie Sponsor", StaffRole.EXECUTIVE_SPONSOR),
    DemoLogin("contracts@demo.test", "Carl Contracts", StaffRole.CONTRACT_ADMINISTRATOR),
    DemoLogin("distributor@demo.test", "Dana Distributor"),
    DemoLogin("distributor2@demo.test", "Dimitri Distributor", language="fr"),
    DemoLogin("oem@demo.test", "Olga OEM"),
    DemoLogin("customer@demo.test", "Chris Customer"),
)


def seed_people() -> int:
    """Create the demo logins once; return how many were created."""
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP

    created = 0
    with transaction.atomic():
        for login in DEMO_LOGINS:
            user = User.objects.filter(email=login.email).first()
            if user is not None:
                continue
            staff = login.superuser or login.staff_role is not None
            user = User.objects.create_user(
                email=login.email,
                password=DEMO_PASSWORD,
                full_name=login.full_name,
                language=login.language,
                is_staff=staff,
                is_superuser=login.superuser,
            )
            EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
            if login.staff_role is not None:
                user.groups.add(Group.objects.get(name=login.staff_role.label_en))
            if staff and not Authenticator.objects.filter(user=user).exists():
                TOTP.activate(user, DEMO_TOTP_SECRET)
            created += 1
    return created
