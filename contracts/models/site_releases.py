"""What each site runs (SLP-2, SLP-15): a release at a patch level, with its seats."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from contracts.models.agreements import Patch, Release
from contracts.models.organizations import Site


class SiteReleaseQuerySet(models.QuerySet):
    def visible_to(self, user) -> SiteReleaseQuerySet:
        """Return the release records of the sites the user may see."""
        return self.filter(site__in=Site.objects.visible_to(user))


class SiteRelease(models.Model):
    """A release a site runs, at a patch level, with its number of seats (SLP-2, SLP-15)."""

    site = models.ForeignKey(
        Site, verbose_name=_("site"), on_delete=models.CASCADE, related_name="site_releases"
    )
    release = models.ForeignKey(
        Release, verbose_name=_("release"), on_delete=models.PROTECT, related_name="site_releases"
    )
    patch = models.ForeignKey(
        Patch,
        verbose_name=_("patch level"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="site_releases",
        help_text=_("Leave empty when the site runs the release without a patch."),
    )
    seats = models.PositiveIntegerField(_("seats"), default=1)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = SiteReleaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("site release")
        verbose_name_plural = _("site releases")
        ordering = ["site__code", "release__product__name", "-release__release_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["site", "release"],
                name="siterelease_one_per_site_release",
                violation_error_message=_("This site already records that release."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.site.code}: {self.patch or self.release}"

    def clean(self) -> None:
        if self.patch_id and self.release_id and self.patch.release_id != self.release_id:
            raise ValidationError(
                {
                    "patch": _("Patch %(patch)s belongs to another release than %(release)s.")
                    % {"patch": self.patch.version, "release": self.release.version}
                }
            )
