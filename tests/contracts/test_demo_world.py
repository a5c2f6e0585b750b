"""The demo world of DESIGN.md (Demo data: contract), seeded once by seed_demo."""

from __future__ import annotations

import datetime as dt
from datetime import UTC

import pytest
import time_machine
from django.apps import apps
from django.core.management import call_command

from contracts.demo import DEMO_PASSWORD
from contracts.models import Contract, Membership, Organization, Release, Site, User
from contracts.services.eligibility import ReasonCode, eligibility_check
from contracts.services.releases import SupportStatus, release_support_status

pytestmark = pytest.mark.django_db

TODAY = dt.datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
PORTAL_ADMINS = (
    "distributor@demo.test",
    "distributor2@demo.test",
    "oem@demo.test",
    "customer@demo.test",
)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def seeded():
    with time_machine.travel(TODAY, tick=False):
        call_command("seed_demo", stdout=_Sink())


class _Sink:
    def write(self, text: str) -> None:
        pass

    def flush(self) -> None:
        pass


def _row_counts() -> dict[str, int]:
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.app_label in {"contracts", "account", "mfa", "auth"}
    }


def test_seeding_twice_changes_nothing(seeded):
    before = _row_counts()
    snapshot = list(Contract.objects.values_list("reference", "start_date", "end_date", "status"))

    with time_machine.travel(TODAY + dt.timedelta(days=40), tick=False):
        call_command("seed_demo", stdout=_Sink())

    assert _row_counts() == before
    assert list(Contract.objects.values_list("reference", "start_date", "end_date", "status")) == (
        snapshot
    )


def test_the_distributor_serves_three_end_customers(seeded):
    northwind = Organization.objects.get(name="Northwind CAM Distribution")

    assert northwind.kind == Organization.Kind.DISTRIBUTOR
    assert northwind.end_customers.count() == 3
    assert northwind.success_manager.email == "sponsor@demo.test"


def test_every_kind_of_organisation_is_there(seeded):
    kinds = {o.name: (o.kind, o.country) for o in Organization.objects.exclude(kind="end_customer")}

    assert sorted(kinds.values()) == [
        ("direct_customer", "GB"),
        ("distributor", "FR"),
        ("distributor", "US"),
        ("oem", "JP"),
    ]


def test_sites_span_us_zones_the_uk_france_and_japan(seeded):
    zones = set(Site.objects.values_list("time_zone", flat=True))

    assert zones >= {
        "America/New_York",
        "America/Chicago",
        "America/Denver",
        "America/Los_Angeles",
        "Europe/London",
        "Europe/Paris",
        "Asia/Tokyo",
    }


def test_each_demo_portal_login_is_an_admin_and_technical_contact(seeded):
    for email in PORTAL_ADMINS:
        membership = Membership.objects.get(user__email=email)
        assert membership.role == Membership.Role.ADMIN
        assert membership.is_technical_contact
        assert membership.user.check_password(DEMO_PASSWORD)
    french = Membership.objects.get(user__email="distributor2@demo.test")
    assert french.organization.language == "fr"
    assert french.user.language == "fr"


def test_every_organisation_has_people_who_can_log_in(seeded):
    from allauth.account.models import EmailAddress

    for organization in Organization.objects.all():
        assert organization.memberships.exists(), organization
    portal_users = User.objects.filter(memberships__isnull=False)
    assert EmailAddress.objects.filter(user__in=portal_users, verified=True).count() == (
        portal_users.count()
    )
    roles = set(Membership.objects.values_list("role", flat=True))
    assert roles == {"admin", "agent", "viewer"}


def test_contracts_are_active_expiring_and_expired(seeded):
    today = TODAY.date()
    active = Contract.objects.filter(status=Contract.Status.ACTIVE)

    assert active.filter(end_date__lte=today + dt.timedelta(days=30)).exists()
    assert active.filter(end_date__lte=today + dt.timedelta(days=60)).count() >= 2
    assert active.filter(end_date__gt=today + dt.timedelta(days=90)).exists()
    assert Contract.objects.filter(status=Contract.Status.EXPIRED, end_date__lt=today).count() >= 2
    assert Contract.objects.filter(renewed_from__isnull=False).exists()


def test_releases_2025_to_2027_with_patches_and_2025_unsupported(seeded):
    today = TODAY.date()
    statuses = {
        r.version: release_support_status(r, on=today)
        for r in Release.objects.filter(product__name="CONNECT CAM")
    }

    assert statuses == {
        "2027": SupportStatus.CURRENT,
        "2026": SupportStatus.PREVIOUS,
        "2025": SupportStatus.UNSUPPORTED,
    }
    assert all(r.patches.exists() for r in Release.objects.all())


def test_the_demo_shows_covered_and_uncovered_sites(seeded):
    northwind = Organization.objects.get(name="Northwind CAM Distribution")
    release = Release.objects.get(version="2027")

    def codes(site_code: str):
        site = Site.objects.get(code=site_code)
        return eligibility_check(organization=northwind, site=site, release=release, at=TODAY).codes

    assert codes("RMA-DEN-01") == ()
    assert codes("PMD-LAX-01") == (ReasonCode.NO_ACTIVE_CONTRACT,)
