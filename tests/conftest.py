"""The shared cast and switches of the whole suite."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone, translation

from portal.celery import app as celery_app


@pytest.fixture(autouse=True)
def _eager_celery(request: pytest.FixtureRequest):
    """Run tasks in-process unless a test asks for a real worker."""
    if request.node.get_closest_marker("celery_worker"):
        yield
        return
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Keep rate limits and TOTP replay marks from leaking between tests."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _default_language_and_zone():
    """Start and leave every test in the default language and time zone.

    A test client's request activates the language it negotiated (and the middleware a time
    zone) on the test's thread; without this, a French page in one test leaves the next test
    reading French.
    """
    translation.activate(settings.LANGUAGE_CODE)
    timezone.deactivate()
    yield
    translation.activate(settings.LANGUAGE_CODE)
    timezone.deactivate()


@pytest.fixture(autouse=True)
def _small_demo(monkeypatch):
    """Seed a dozen demo cases, not 300, where a test runs seed_demo (the services take time)."""
    monkeypatch.setattr("cases.demo.DEMO_CASE_COUNT", 12)


@pytest.fixture(scope="session")
def _media_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("media")


@pytest.fixture(autouse=True)
def _media_outside_var(settings, _media_dir):
    """Keep uploads (the demo cases' attachments among them) out of var/media."""
    settings.MEDIA_ROOT = _media_dir


@pytest.fixture
def password() -> str:
    return "connect-test-pass-9"


@pytest.fixture
def make_user(db, password: str):
    """Build a user; staff=True gives a staff account."""
    from contracts.models import User

    def _make(email: str, *, staff: bool = False, **extra) -> User:
        return User.objects.create_user(email=email, password=password, is_staff=staff, **extra)

    return _make


@pytest.fixture
def customer(make_user):
    return _verified(make_user("customer@example.test"))


@pytest.fixture
def staff_user(make_user):
    return _verified(make_user("agent@vendor.test", staff=True))


def _verified(user):
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


# --- The shared cast (HOUSE_STYLE.md, Tests): two tenants, a partner serving an end
# customer, staff in each support role, a product with releases. Built from tests/factories.py.

STAFF_TOTP_SECRET = "JBSWY3DPEHPK3PXP"


@pytest.fixture
def product(db):
    from tests.factories import ProductFactory

    return ProductFactory(name="CONNECT CAM", code="connect-cam")


@pytest.fixture
def release_2025(product):
    from tests.factories import ReleaseFactory

    return ReleaseFactory(product=product, version="2025", release_date=_date("2024-10-15"))


@pytest.fixture
def release_2026(product):
    from tests.factories import ReleaseFactory

    return ReleaseFactory(product=product, version="2026", release_date=_date("2025-10-15"))


@pytest.fixture
def release_2027(product):
    from tests.factories import ReleaseFactory

    return ReleaseFactory(product=product, version="2027", release_date=_date("2026-10-15"))


@pytest.fixture
def releases(release_2025, release_2026, release_2027) -> dict:
    """CONNECT CAM 2025, 2026 and 2027 by version: from 2026-10-15, 2025 is unsupported."""
    return {r.version: r for r in (release_2025, release_2026, release_2027)}


def _date(iso: str):
    import datetime as dt

    return dt.date.fromisoformat(iso)


def _member(organization, role: str, email: str, *, technical_contact: bool = False, **extra):
    from tests.factories import MembershipFactory, UserFactory

    user = UserFactory(email=email, **extra)
    MembershipFactory(
        user=user, organization=organization, role=role, is_technical_contact=technical_contact
    )
    return user


@pytest.fixture
def acme(db):
    """A direct customer in the US: tenant one."""
    from tests.factories import OrganizationFactory

    return OrganizationFactory(name="Acme", kind="direct_customer", country="US")


@pytest.fixture
def acme_site(acme):
    from tests.factories import SiteFactory

    return SiteFactory(
        organization=acme, code="ACME-CHI", name="Acme Chicago", time_zone="America/Chicago"
    )


@pytest.fixture
def acme_contract(acme, acme_site):
    from tests.factories import ContractFactory

    return ContractFactory(reference="ACME-001", holder=acme, sites=[acme_site])


@pytest.fixture
def acme_admin(acme):
    return _member(acme, "admin", "admin@acme.test", technical_contact=True)


@pytest.fixture
def acme_agent(acme):
    return _member(acme, "agent", "agent@acme.test")


@pytest.fixture
def acme_viewer(acme):
    return _member(acme, "viewer", "viewer@acme.test")


@pytest.fixture
def globex(db):
    """A direct customer in the UK: tenant two."""
    from tests.factories import OrganizationFactory

    return OrganizationFactory(name="Globex", kind="direct_customer", country="GB")


@pytest.fixture
def globex_site(globex):
    from tests.factories import SiteFactory

    return SiteFactory(
        organization=globex,
        code="GLOBEX-LON",
        name="Globex London",
        country="GB",
        time_zone="Europe/London",
    )


@pytest.fixture
def globex_contract(globex, globex_site):
    from tests.factories import ContractFactory

    return ContractFactory(reference="GLOBEX-001", holder=globex, sites=[globex_site])


@pytest.fixture
def globex_admin(globex):
    return _member(globex, "admin", "admin@globex.test", technical_contact=True)


@pytest.fixture
def globex_agent(globex):
    return _member(globex, "agent", "agent@globex.test")


@pytest.fixture
def partner(db):
    """A distributor serving the end customer Initech."""
    from tests.factories import OrganizationFactory

    return OrganizationFactory(name="Northwind", kind="distributor", country="US")


@pytest.fixture
def partner_admin(partner):
    return _member(partner, "admin", "admin@northwind.test", technical_contact=True)


@pytest.fixture
def partner_agent(partner):
    return _member(partner, "agent", "agent@northwind.test")


@pytest.fixture
def end_customer(partner):
    from tests.factories import OrganizationFactory

    return OrganizationFactory(name="Initech", kind="end_customer", partner=partner, country="US")


@pytest.fixture
def end_customer_site(end_customer):
    from tests.factories import SiteFactory

    return SiteFactory(
        organization=end_customer,
        code="INITECH-DEN",
        name="Initech Denver",
        time_zone="America/Denver",
    )


@pytest.fixture
def end_customer_contract(partner, end_customer_site):
    """The partner holds the contract covering its end customer's site."""
    from tests.factories import ContractFactory

    return ContractFactory(reference="NW-INITECH-001", holder=partner, sites=[end_customer_site])


@pytest.fixture
def end_customer_user(end_customer):
    return _member(end_customer, "agent", "agent@initech.test")


@pytest.fixture
def stranger(db):
    """A signed-up person who belongs to no organisation."""
    from tests.factories import UserFactory

    return UserFactory(email="stranger@example.test")


def _staff(role, email: str):
    from tests.factories import UserFactory

    return UserFactory(email=email, is_staff=True, staff_role=role)


@pytest.fixture
def staff_agent(db):
    from contracts.roles import StaffRole

    return _staff(StaffRole.AGENT, "support-agent@vendor.test")


@pytest.fixture
def staff_supervisor(db):
    from contracts.roles import StaffRole

    return _staff(StaffRole.SUPERVISOR, "supervisor@vendor.test")


@pytest.fixture
def staff_manager(db):
    from contracts.roles import StaffRole

    return _staff(StaffRole.SUPPORT_MANAGEMENT, "manager@vendor.test")


@pytest.fixture
def staff_sponsor(db):
    from contracts.roles import StaffRole

    return _staff(StaffRole.EXECUTIVE_SPONSOR, "sponsor@vendor.test")


@pytest.fixture
def staff_contract_admin(db):
    from contracts.roles import StaffRole

    return _staff(StaffRole.CONTRACT_ADMINISTRATOR, "contracts@vendor.test")


@pytest.fixture
def staff_superuser(db):
    from tests.factories import UserFactory

    return UserFactory(email="root@vendor.test", is_staff=True, is_superuser=True)


@pytest.fixture
def staff_login(client):
    """Log a staff member in with an authenticator set up, as the admin requires."""
    from allauth.mfa.totp.internal.auth import TOTP

    def _login(user):
        TOTP.activate(user, STAFF_TOTP_SECRET)
        client.force_login(user)
        return client

    return _login
