"""CONNECT contracts, products and releases."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from contracts.models.organizations import Organization, Site


class ContractQuerySet(models.QuerySet):
    def visible_to(self, user) -> ContractQuerySet:
        """Return the contracts held by organisations the user may see."""
        return self.filter(holder__in=Organization.objects.visible_to(user))

    def in_force_on(self, day: dt.date) -> ContractQuerySet:
        """Return active contracts whose dates include the given day."""
        return self.filter(status=Contract.Status.ACTIVE, start_date__lte=day, end_date__gte=day)


class Contract(models.Model):
    """A CONNECT agreement: a holder, the sites it covers and its dates (SLP-3)."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        EXPIRED = "expired", _("Expired")
        CANCELLED = "cancelled", _("Cancelled")

    reference = models.CharField(_("reference"), max_length=40, unique=True)
    holder = models.ForeignKey(
        Organization,
        verbose_name=_("holder"),
        on_delete=models.PROTECT,
        related_name="contracts",
    )
    sites = models.ManyToManyField(
        Site, verbose_name=_("covered sites"), related_name="contracts", blank=True
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), help_text=_("The last day covered, inclusive."))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    renewed_from = models.OneToOneField(
        "self",
        verbose_name=_("renewal of"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="renewal",
    )
    # Which expiry notices (days before the end) went out, so each goes once.
    expiry_notices_sent = models.JSONField(_("expiry notices sent"), default=list, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ContractQuerySet.as_manager()

    class Meta:
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        ordering = ["-end_date", "reference"]
        constraints = [
            models.CheckConstraint(
                name="contract_end_not_before_start",
                condition=Q(end_date__gte=F("start_date")),
                violation_error_message=_("A contract cannot end before it starts."),
            ),
        ]
        indexes = [models.Index(fields=["status", "end_date"], name="contract_status_end_idx")]

    def __str__(self) -> str:
        return self.reference

    def covers_day(self, day: dt.date) -> bool:
        """Tell whether the contract is in force on the given (site-local) day."""
        return self.status == self.Status.ACTIVE and self.start_date <= day <= self.end_date


class Product(models.Model):
    """A software product sold with CONNECT support."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    code = models.SlugField(_("code"), max_length=40, unique=True)

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Release(models.Model):
    """A major release of a product, such as 2026 (SLP-2)."""

    product = models.ForeignKey(
        Product, verbose_name=_("product"), on_delete=models.PROTECT, related_name="releases"
    )
    version = models.CharField(_("version"), max_length=20)
    release_date = models.DateField(_("release date"))

    class Meta:
        verbose_name = _("release")
        verbose_name_plural = _("releases")
        ordering = ["product__name", "-release_date"]
        constraints = [
            models.UniqueConstraint(fields=["product", "version"], name="release_unique_version"),
        ]

    def __str__(self) -> str:
        return f"{self.product.name} {self.version}"


class Patch(models.Model):
    """A patch of a release, such as 2026.1, with its own date."""

    release = models.ForeignKey(
        Release, verbose_name=_("release"), on_delete=models.CASCADE, related_name="patches"
    )
    version = models.CharField(_("version"), max_length=20)
    release_date = models.DateField(_("release date"))

    class Meta:
        verbose_name = _("patch")
        verbose_name_plural = _("patches")
        ordering = ["release", "-release_date"]
        constraints = [
            models.UniqueConstraint(fields=["release", "version"], name="patch_unique_version"),
        ]

    def __str__(self) -> str:
        return f"{self.release.product.name} {self.version}"
