"""Support status of releases, derived from release dates (SLP-2)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.db import models
from django.utils.translation import gettext_lazy as _

from contracts.models import Patch, Product, Release


class SupportStatus(models.TextChoices):
    """Where a release stands on a given day; never typed by hand (SLP-2)."""

    CURRENT = "current", _("Current")
    PREVIOUS = "previous", _("Previous")
    UNSUPPORTED = "unsupported", _("Unsupported")
    UPCOMING = "upcoming", _("Upcoming")


SUPPORTED = frozenset({SupportStatus.CURRENT, SupportStatus.PREVIOUS})


def _rank_key(release: Release) -> tuple[dt.date, int]:
    # Two releases shipped the same day are ordered by creation, so the answer is stable.
    return (release.release_date, release.pk or 0)


def support_statuses(releases: Iterable[Release], *, on: dt.date) -> dict[int, SupportStatus]:
    """Return the support status of each release (by pk) on the given day, per product.

    The newest shipped release is current, the one before previous, older ones
    unsupported; a release dated after ``on`` is upcoming. The day a release
    ships, the oldest supported one becomes unsupported that very day.
    """
    shipped: dict[int, list[Release]] = defaultdict(list)
    statuses: dict[int, SupportStatus] = {}
    for release in releases:
        if release.release_date > on:
            statuses[release.pk] = SupportStatus.UPCOMING
        else:
            shipped[release.product_id].append(release)
    ranked = (SupportStatus.CURRENT, SupportStatus.PREVIOUS)
    for product_releases in shipped.values():
        product_releases.sort(key=_rank_key, reverse=True)
        for index, release in enumerate(product_releases):
            statuses[release.pk] = ranked[index] if index < 2 else SupportStatus.UNSUPPORTED
    return statuses


def release_statuses(*, on: dt.date) -> dict[int, SupportStatus]:
    """Return the support status of every release (by pk) on the given day (one query)."""
    return support_statuses(Release.objects.only("pk", "product_id", "release_date"), on=on)


def release_support_status(release: Release, *, on: dt.date) -> SupportStatus:
    """Return the support status of one release on the given day (one query)."""
    siblings = Release.objects.filter(product_id=release.product_id).only(
        "pk", "product_id", "release_date"
    )
    return support_statuses(siblings, on=on)[release.pk]


def releases_with_status(product: Product | None = None, *, on: dt.date) -> list[Release]:
    """Return releases (of one product or all), newest first, each with ``support_status`` set."""
    queryset = Release.objects.select_related("product").order_by(
        "product__name", "-release_date", "-pk"
    )
    if product is not None:
        queryset = queryset.filter(product=product)
    releases = list(queryset)
    statuses = support_statuses(releases, on=on)
    for release in releases:
        release.support_status = statuses[release.pk]
    return releases


def releases_supported(product: Product | None = None, *, on: dt.date) -> list[Release]:
    """Return the current and previous release of one product (or of every product)."""
    return [
        release
        for release in releases_with_status(product, on=on)
        if release.support_status in SUPPORTED
    ]


def release_latest_patch(release: Release, *, on: dt.date) -> Patch | None:
    """Return the newest patch of the release published on or before the day, if any."""
    return (
        Patch.objects.filter(release=release, release_date__lte=on)
        .order_by("-release_date", "-pk")
        .first()
    )
