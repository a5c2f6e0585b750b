"""Demo people and world of the contracts app (DESIGN.md, Demo data: contract)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from contracts.models import (
    Contract,
    Membership,
    Organization,
    Patch,
    Product,
    Release,
    Site,
    SiteRelease,
    User,
)
from contracts.roles import StaffRole
from contracts.services.contracts import contract_create, contract_renew

DEMO_PASSWORD = "connect-demo"  # noqa: S105 - the published demo password (DESIGN.md)
# One published authenticator secret for every demo staff account, so the admin can be
# tried at once: `python manage.py totp` prints its current code, or add it to any TOTP app.
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


# --- The demo world: organisations, sites, contracts, releases (DESIGN.md, Demo data) ---

NORTHWIND = "Northwind CAM Distribution"
SPONSOR_EMAIL = "sponsor@demo.test"


@dataclass(frozen=True)
class DemoSite:
    code: str
    name: str
    country: str
    time_zone: str
    address: str


@dataclass(frozen=True)
class DemoOrg:
    name: str
    kind: str
    country: str
    sites: tuple[DemoSite, ...]
    # (email, full name, role); the first admin is the designated technical contact.
    people: tuple[tuple[str, str, str], ...]
    language: str = "en"
    partner: str | None = None
    success_manager: bool = False


@dataclass(frozen=True)
class DemoContract:
    reference: str
    holder: str
    site_codes: tuple[str, ...]
    # Days from the day the world is first seeded, so the demo always looks current.
    starts_in: int
    ends_in: int


_ADMIN, _AGENT, _VIEWER = "admin", "agent", "viewer"

DEMO_ORGS: tuple[DemoOrg, ...] = (
    DemoOrg(
        NORTHWIND, "distributor", "US",
        sites=(DemoSite("NW-NYC-01", "Northwind New York office", "US", "America/New_York", "350 Fifth Avenue, New York, NY 10118"),),
        people=(
            ("distributor@demo.test", "Dana Distributor", _ADMIN),
            ("northwind-agent@demo.test", "Nick Northwind", _AGENT),
            ("northwind-viewer@demo.test", "Nora Northwind", _VIEWER),
        ),
        success_manager=True,
    ),
    DemoOrg(
        "Great Lakes Tooling", "end_customer", "US", partner=NORTHWIND,
        sites=(DemoSite("GLT-CHI-01", "Great Lakes Tooling Chicago plant", "US", "America/Chicago", "2100 S Canal St, Chicago, IL 60616"),),
        people=(("greatlakes-admin@demo.test", "Gail Lakes", _ADMIN),),
    ),
    DemoOrg(
        "Rocky Mountain Aerospace", "end_customer", "US", partner=NORTHWIND,
        sites=(DemoSite("RMA-DEN-01", "Rocky Mountain Aerospace Denver", "US", "America/Denver", "7800 E Smith Rd, Denver, CO 80207"),),
        people=(("rockymountain-agent@demo.test", "Rocco Mountain", _AGENT),),
    ),
    DemoOrg(
        "Pacific Mold & Die", "end_customer", "US", partner=NORTHWIND,
        sites=(
            DemoSite("PMD-LAX-01", "Pacific Mold & Die Los Angeles", "US", "America/Los_Angeles", "1200 E 7th St, Los Angeles, CA 90021"),
            DemoSite("PMD-SEA-01", "Pacific Mold & Die Seattle", "US", "America/Los_Angeles", "3400 4th Ave S, Seattle, WA 98134"),
        ),
        people=(("pacificmold-viewer@demo.test", "Paula Pacific", _VIEWER),),
    ),
    DemoOrg(
        "Usinage Numérique Partenaires", "distributor", "FR", language="fr",
        sites=(
            DemoSite("UNP-PAR-01", "UNP Paris", "FR", "Europe/Paris", "12 rue de la Roquette, 75011 Paris"),
            DemoSite("UNP-LYS-01", "UNP Lyon", "FR", "Europe/Paris", "45 quai Rambaud, 69002 Lyon"),
        ),
        people=(
            ("distributor2@demo.test", "Dimitri Distributor", _ADMIN),
            ("unp-agent@demo.test", "Ulysse Numérique", _AGENT),
        ),
    ),
    DemoOrg(
        "Kaizen Machine Tools", "oem", "JP",
        sites=(
            DemoSite("KMT-TYO-01", "Kaizen Machine Tools Tokyo", "JP", "Asia/Tokyo", "2-7-2 Marunouchi, Chiyoda-ku, Tokyo 100-7090"),
            DemoSite("KMT-OSA-01", "Kaizen Machine Tools Osaka", "JP", "Asia/Tokyo", "3-1-1 Umeda, Kita-ku, Osaka 530-0001"),
        ),
        people=(
            ("oem@demo.test", "Olga OEM", _ADMIN),
            ("kaizen-agent@demo.test", "Kenji Kaizen", _AGENT),
            ("kaizen-viewer@demo.test", "Keiko Kaizen", _VIEWER),
        ),
    ),
    DemoOrg(
        "Midlands Precision Engineering", "direct_customer", "GB",
        sites=(DemoSite("MPE-BHM-01", "Midlands Precision Birmingham", "GB", "Europe/London", "Unit 4, Tyseley Industrial Estate, Birmingham B11 2AG"),),
        people=(
            ("customer@demo.test", "Chris Customer", _ADMIN),
            ("midlands-agent@demo.test", "Mia Midlands", _AGENT),
        ),
        success_manager=True,
    ),
)  # fmt: skip

_KIND_NAMES = {
    "distributor": "distributor",
    "oem": "OEM",
    "other_partner": "other partner",
    "direct_customer": "direct customer",
    "end_customer": "end customer",
}
_ROLE_NAMES = {_ADMIN: "portal admin", _AGENT: "portal agent", _VIEWER: "portal viewer"}


def demo_login_rows() -> list[tuple[str, str, str]]:
    """Return (email, organisation and its kind, role) of every demo login, staff first."""
    rows = [
        (
            login.email,
            "CONNECT staff",
            "superuser" if login.superuser else login.staff_role.label_en,
        )
        for login in DEMO_LOGINS
        if login.superuser or login.staff_role is not None
    ]
    for org in DEMO_ORGS:
        kind = _KIND_NAMES[org.kind] + (f" of {org.partner}" if org.partner else "")
        rows += [
            (email, f"{org.name} ({kind})", _ROLE_NAMES[role]) for email, _, role in org.people
        ]
    return rows


DEMO_CONTRACTS: tuple[DemoContract, ...] = (
    DemoContract("NW-2026-001", NORTHWIND, ("NW-NYC-01",), -200, 165),
    DemoContract("GLT-2026-001", "Great Lakes Tooling", ("GLT-CHI-01",), -100, 265),
    # Held by the partner for its end customer, and ending within 60 days.
    DemoContract("NW-2026-002", NORTHWIND, ("RMA-DEN-01",), -320, 45),
    # Expired and not renewed: Pacific Mold & Die shows "no active contract".
    DemoContract("NW-2025-003", NORTHWIND, ("PMD-LAX-01", "PMD-SEA-01"), -385, -20),
    DemoContract(
        "UNP-2026-001", "Usinage Numérique Partenaires", ("UNP-PAR-01", "UNP-LYS-01"), -340, 25
    ),
    DemoContract("KMT-2026-001", "Kaizen Machine Tools", ("KMT-TYO-01", "KMT-OSA-01"), -60, 670),
    # Expired, then renewed (seed_world renews it as MPE-2025-001-R1).
    DemoContract("MPE-2025-001", "Midlands Precision Engineering", ("MPE-BHM-01",), -400, -35),
)
DEMO_RENEWED = ("MPE-2025-001",)

# Fixed dates: 2027 (shipped 2026-10-15) is current, 2026 previous, 2025 unsupported.
DEMO_PRODUCT = ("CONNECT CAM", "connect-cam")
DEMO_RELEASES: tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...] = (
    ("2025", "2024-10-15", (("2025.1", "2025-01-20"), ("2025.2", "2025-04-14"), ("2025.3", "2025-07-21"))),
    ("2026", "2025-10-15", (("2026.1", "2026-01-19"), ("2026.2", "2026-04-20"), ("2026.3", "2026-07-20"))),
    ("2027", "2026-10-15", (("2027.1", "2026-11-16"),)),
)  # fmt: skip


def seed_world(*, today: dt.date | None = None) -> int:
    """Create the demo organisations, people, sites, contracts and releases once; return rows created."""
    today = today or timezone.localdate()
    with transaction.atomic():
        seed_people()
        created = sum(_org_seed(org) for org in DEMO_ORGS)
        created += sum(_contract_seed(contract, today) for contract in DEMO_CONTRACTS)
        created += _renewals_seed()
        created += _releases_seed()
    return created


def _user_ensure(email: str, full_name: str, language: str) -> tuple[User, bool]:
    from allauth.account.models import EmailAddress

    user = User.objects.filter(email=email).first()
    if user is not None:
        return user, False
    user = User.objects.create_user(
        email=email, password=DEMO_PASSWORD, full_name=full_name, language=language
    )
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user, True


def _org_seed(spec: DemoOrg) -> int:
    partner = Organization.objects.get(name=spec.partner) if spec.partner else None
    sponsor = User.objects.filter(email=SPONSOR_EMAIL).first() if spec.success_manager else None
    org, created = Organization.objects.get_or_create(
        name=spec.name,
        defaults={
            "kind": spec.kind,
            "country": spec.country,
            "language": spec.language,
            "partner": partner,
            "success_manager": sponsor,
        },
    )
    count = int(created)
    for site in spec.sites:
        _, site_created = Site.objects.get_or_create(
            code=site.code,
            defaults={
                "organization": org,
                "name": site.name,
                "country": site.country,
                "time_zone": site.time_zone,
                "address": site.address,
            },
        )
        count += int(site_created)
    for index, (email, full_name, role) in enumerate(spec.people):
        user, user_created = _user_ensure(email, full_name, spec.language)
        _, member_created = Membership.objects.get_or_create(
            user=user,
            defaults={"organization": org, "role": role, "is_technical_contact": index == 0},
        )
        count += int(user_created) + int(member_created)
    return count


def _contract_seed(spec: DemoContract, today: dt.date) -> int:
    if Contract.objects.filter(reference=spec.reference).exists():
        return 0
    end_date = today + dt.timedelta(days=spec.ends_in)
    contract_create(
        reference=spec.reference,
        holder=Organization.objects.get(name=spec.holder),
        sites=Site.objects.filter(code__in=spec.site_codes),
        start_date=today + dt.timedelta(days=spec.starts_in),
        end_date=end_date,
        status=Contract.Status.EXPIRED if end_date < today else Contract.Status.ACTIVE,
    )
    return 1


def _renewals_seed() -> int:
    count = 0
    for reference in DEMO_RENEWED:
        contract = Contract.objects.get(reference=reference)
        if not Contract.objects.filter(renewed_from=contract).exists():
            contract_renew(contract=contract)
            count += 1
    return count


def _releases_seed() -> int:
    name, code = DEMO_PRODUCT
    product, created = Product.objects.get_or_create(code=code, defaults={"name": name})
    count = int(created)
    for version, released, patches in DEMO_RELEASES:
        release, release_created = Release.objects.get_or_create(
            product=product,
            version=version,
            defaults={"release_date": dt.date.fromisoformat(released)},
        )
        count += int(release_created)
        for patch_version, patch_date in patches:
            _, patch_created = Patch.objects.get_or_create(
                release=release,
                version=patch_version,
                defaults={"release_date": dt.date.fromisoformat(patch_date)},
            )
            count += int(patch_created)
    return count


# (site code, release, patch or "", seats); PMD and KMT Osaka still run the unsupported 2025.
DEMO_SITE_RELEASES: tuple[tuple[str, str, str, int], ...] = (
    ("NW-NYC-01", "2027", "2027.1", 3),
    ("GLT-CHI-01", "2026", "2026.3", 12),
    ("RMA-DEN-01", "2026", "2026.2", 8),
    ("PMD-LAX-01", "2025", "2025.3", 4),
    ("PMD-SEA-01", "2025", "2025.2", 2),
    ("UNP-PAR-01", "2027", "2027.1", 10),
    ("UNP-LYS-01", "2026", "2026.3", 6),
    ("KMT-TYO-01", "2026", "2026.3", 20),
    ("KMT-OSA-01", "2025", "2025.3", 5),
    ("MPE-BHM-01", "2027", "", 7),
)


def seed_site_releases() -> int:
    """Record once what each demo site runs; notices go to the contacts of these sites."""
    created = 0
    for code, version, patch_version, seats in DEMO_SITE_RELEASES:
        site = Site.objects.filter(code=code).first()
        release = Release.objects.filter(product__code="connect-cam", version=version).first()
        if site is None or release is None:
            continue
        patch = Patch.objects.filter(release=release, version=patch_version).first()
        _, was_created = SiteRelease.objects.get_or_create(
            site=site, release=release, defaults={"patch": patch, "seats": seats}
        )
        created += int(was_created)
    return created
