"""What each site runs (SLP-2, SLP-15): record a release, its patch level and seats; remove it."""

from __future__ import annotations

from django.db import transaction

from contracts.models import Patch, Release, Site, SiteRelease


@transaction.atomic
def site_release_save(
    *, site: Site, release: Release, patch: Patch | None = None, seats: int = 1
) -> SiteRelease:
    """Record that the site runs the release (at the patch, with the seats); refuse a bad patch."""
    run = SiteRelease.objects.select_for_update().filter(
        site=site, release=release
    ).first() or SiteRelease(site=site, release=release)
    run.patch, run.seats = patch, seats
    run.full_clean()
    run.save()
    return run


@transaction.atomic
def site_release_remove(*, site_release: SiteRelease) -> None:
    """Forget that the site runs this release."""
    SiteRelease.objects.filter(pk=site_release.pk).delete()
