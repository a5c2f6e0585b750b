"""Organisations (the tenants), their people and their sites."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from common.limits import ADDRESS_MAX_CHARS, max_chars
from contracts.countries import validate_country
from contracts.models.users import validate_time_zone


class OrganizationQuerySet(models.QuerySet):
    def visible_to(self, user) -> OrganizationQuerySet:
        """Return what the user may see: own organisation, served end customers; staff all."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_staff:
            return self
        own = Membership.objects.filter(user=user, is_active=True).values("organization_id")
        return self.filter(Q(pk__in=own) | Q(partner_id__in=own))


class Organization(models.Model):
    """A customer or partner organisation: the tenant of the portal."""

    class Kind(models.TextChoices):
        DISTRIBUTOR = "distributor", _("Distributor")
        OEM = "oem", _("OEM")
        OTHER_PARTNER = "other_partner", _("Other partner")
        DIRECT_CUSTOMER = "direct_customer", _("Direct customer")
        END_CUSTOMER = "end_customer", _("End customer")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended")

    PARTNER_KINDS = (Kind.DISTRIBUTOR, Kind.OEM, Kind.OTHER_PARTNER)

    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    partner = models.ForeignKey(
        "self",
        verbose_name=_("serving partner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="end_customers",
        limit_choices_to={"kind__in": PARTNER_KINDS},
        help_text=_("End customers are served by a partner (SLP-1)."),
    )
    country = models.CharField(_("country"), max_length=2, validators=[validate_country])
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="en"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    success_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("customer success manager"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="managed_organizations",
        limit_choices_to={"is_staff": True},
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                name="org_end_customer_has_partner",
                condition=~Q(kind="end_customer") | Q(partner__isnull=False),
                violation_error_message=_("An end customer needs the partner that serves it."),
            ),
            models.CheckConstraint(
                name="org_only_end_customer_has_partner",
                condition=Q(kind="end_customer") | Q(partner__isnull=True),
                violation_error_message=_("Only an end customer is served by a partner."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_partner(self) -> bool:
        return self.kind in self.PARTNER_KINDS


class Membership(models.Model):
    """A person's place in one organisation, with a role."""

    class Role(models.TextChoices):
        ADMIN = "admin", _("Administrator")
        AGENT = "agent", _("Agent")
        VIEWER = "viewer", _("Viewer")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.AGENT)
    is_technical_contact = models.BooleanField(
        _("designated technical contact"),
        default=False,
        help_text=_("Receives status updates and software notices (SLP-11, SLP-14)."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["organization__name", "user__email"]
        constraints = [
            # One organisation per person keeps "whose portal is this" unambiguous.
            models.UniqueConstraint(fields=["user"], name="membership_one_org_per_user"),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organization} ({self.get_role_display()})"


class SiteQuerySet(models.QuerySet):
    def visible_to(self, user) -> SiteQuerySet:
        """Return the sites of the organisations the user may see."""
        return self.filter(organization__in=Organization.objects.visible_to(user))


class Site(models.Model):
    """A place where licences are used; its time zone drives the SLA calendar."""

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="sites",
    )
    name = models.CharField(_("name"), max_length=200)
    code = models.CharField(_("site code"), max_length=40, unique=True)
    address = models.TextField(_("address"), blank=True, validators=[max_chars(ADDRESS_MAX_CHARS)])
    country = models.CharField(_("country"), max_length=2, validators=[validate_country])
    time_zone = models.CharField(_("time zone"), max_length=64, validators=[validate_time_zone])

    objects = SiteQuerySet.as_manager()

    class Meta:
        verbose_name = _("site")
        verbose_name_plural = _("sites")
        ordering = ["organization__name", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"
