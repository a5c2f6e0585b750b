"""Build update notices and the sites that run releases, for the notice tests (SLP-14)."""

from __future__ import annotations

import datetime as dt
from datetime import UTC, datetime

from contracts.models import Membership, SiteRelease
from mail.models import OutboxMessage
from notices.models import NoticeDelivery, UpdateNotice
from notices.services.publish import update_notice_create

# A Monday: CONNECT CAM 2027 (shipped 2026-10-15) is current, 2026 previous, 2025 unsupported.
T0 = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)
ADMIN = "/admin/notices/updatenotice/"
LOCMEM = "django.core.mail.backends.locmem.EmailBackend"


def runs(site, release, *, patch=None, seats: int = 5) -> SiteRelease:
    """Record that the site runs the release."""
    return SiteRelease.objects.create(site=site, release=release, patch=patch, seats=seats)


def contact(organization, email: str, *, language: str = "en", **membership):
    """Make a designated technical contact of the organisation."""
    from tests.factories import MembershipFactory, UserFactory

    user = UserFactory(email=email, language=language)
    MembershipFactory(
        user=user,
        organization=organization,
        role=membership.pop("role", Membership.Role.ADMIN),
        is_technical_contact=membership.pop("is_technical_contact", True),
        **membership,
    )
    return user


def notice(releases, *, kind: str = UpdateNotice.Kind.URGENT, **fields) -> UpdateNotice:
    """Create a draft notice in both languages about the releases."""
    defaults = {
        "title_en": "Fix for the post-processor crash",
        "title_fr": "Correctif du plantage du post-processeur",
        "body_en": "Install patch 2026.4 on every workstation.",
        "body_fr": "Installez le correctif 2026.4 sur chaque poste.",
        "links": "Release notes | https://downloads.example.com/2026.4/notes",
    }
    if kind == UpdateNotice.Kind.SCHEDULED:
        defaults["publish_at"] = T0 + dt.timedelta(days=1)
    return update_notice_create(kind=kind, releases=releases, **{**defaults, **fields})


def recipients(notice: UpdateNotice) -> set[str]:
    """Return the email addresses the notice was written to."""
    return set(NoticeDelivery.objects.filter(notice=notice).values_list("user__email", flat=True))


def messages_of(notice: UpdateNotice):
    return OutboxMessage.objects.filter(idempotency_key__startswith=f"notice:{notice.pk}:")


def notice_form(releases, **changes) -> dict:
    """Return the admin form's data for an urgent notice about the releases."""
    data = {
        "kind": UpdateNotice.Kind.URGENT,
        "releases": [release.pk for release in releases],
        "publish_at_0": "",
        "publish_at_1": "",
        "title_en": "Licence server fix",
        "body_en": "Install 2026.4.",
        "title_fr": "Correctif du serveur de licences",
        "body_fr": "Installez 2026.4.",
        "links": "",
    }
    return {**data, **changes}
