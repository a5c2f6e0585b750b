"""factory_boy factories for the whole suite; the shared cast in conftest.py is built from these."""

from __future__ import annotations

import datetime as dt
from functools import cache

import factory
from django.contrib.auth.hashers import make_password
from django.utils import timezone
from factory.django import DjangoModelFactory

from contracts.models import (
    Contract,
    Membership,
    Organization,
    Patch,
    Product,
    Release,
    Site,
    User,
)

TEST_PASSWORD = "connect-test-pass-9"


@cache
def _hashed_test_password() -> str:
    # Hashing once per run keeps hundreds of users from costing seconds each.
    return make_password(TEST_PASSWORD)


class UserFactory(DjangoModelFactory):
    """A portal user with password TEST_PASSWORD and a verified email address.

    ``UserFactory(staff_role=StaffRole.SUPERVISOR)`` makes a staff member in that role's group.
    """

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.test")
    full_name = factory.Sequence(lambda n: f"Test User {n}")
    password = factory.LazyFunction(_hashed_test_password)
    language = "en"

    @factory.post_generation
    def verified(self, create: bool, extracted, **kwargs) -> None:
        if not create or extracted is False:
            return
        from allauth.account.models import EmailAddress

        EmailAddress.objects.get_or_create(
            user=self, email=self.email, defaults={"verified": True, "primary": True}
        )

    @factory.post_generation
    def staff_role(self, create: bool, extracted, **kwargs) -> None:
        if not create or extracted is None:
            return
        from django.contrib.auth.models import Group

        if not self.is_staff:
            self.is_staff = True
            self.save(update_fields=["is_staff"])
        # get_or_create: a flushed transactional test has no groups of the migration.
        self.groups.add(Group.objects.get_or_create(name=extracted.label_en)[0])


class OrganizationFactory(DjangoModelFactory):
    """A direct customer unless told otherwise; kind=END_CUSTOMER needs partner=..."""

    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Organisation {n}")
    kind = Organization.Kind.DIRECT_CUSTOMER
    country = "US"
    language = "en"


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = Membership.Role.AGENT
    is_technical_contact = False
    is_active = True


class SiteFactory(DjangoModelFactory):
    class Meta:
        model = Site

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Site {n}")
    code = factory.Sequence(lambda n: f"SITE-{n:04d}")
    country = "US"
    time_zone = "America/Chicago"
    address = ""


class ContractFactory(DjangoModelFactory):
    """An active contract running from 30 days ago for a year; ``sites=[...]`` covers them.

    Written straight to the table (no overlap check), so tests can build any state;
    use contracts.services.contracts.contract_create to test the rules.
    """

    class Meta:
        model = Contract
        skip_postgeneration_save = True

    reference = factory.Sequence(lambda n: f"CT-{n:05d}")
    holder = factory.SubFactory(OrganizationFactory)
    start_date = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=30))
    end_date = factory.LazyAttribute(lambda o: o.start_date + dt.timedelta(days=364))
    status = Contract.Status.ACTIVE

    @factory.post_generation
    def sites(self, create: bool, extracted, **kwargs) -> None:
        if create and extracted:
            self.sites.set(extracted)


class ProductFactory(DjangoModelFactory):
    class Meta:
        model = Product
        django_get_or_create = ("code",)

    name = factory.Sequence(lambda n: f"Product {n}")
    code = factory.Sequence(lambda n: f"product-{n}")


class ReleaseFactory(DjangoModelFactory):
    class Meta:
        model = Release

    product = factory.SubFactory(ProductFactory)
    version = factory.Sequence(lambda n: str(2000 + n))
    release_date = factory.Sequence(lambda n: dt.date(1999 + n, 10, 15))


class PatchFactory(DjangoModelFactory):
    class Meta:
        model = Patch

    release = factory.SubFactory(ReleaseFactory)
    version = factory.LazyAttributeSequence(lambda o, n: f"{o.release.version}.{n + 1}")
    release_date = factory.LazyAttribute(lambda o: o.release.release_date + dt.timedelta(days=90))
