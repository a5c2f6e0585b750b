"""Demo site releases and update notices (issue 7): what sites run, and what they were told."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from contracts.models import Patch, Release, Site, SiteRelease, UpdateNotice, User
from contracts.services.notice_fanout import update_notice_fanout_run
from contracts.services.notices import update_notice_create

DEMO_AUTHOR = "manager@demo.test"

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


@dataclass(frozen=True)
class DemoNotice:
    kind: str
    releases: tuple[str, ...]
    title_en: str
    title_fr: str
    body_en: str
    body_fr: str
    links: str
    # Days from the seeding day: negative ones were sent then, None stays a draft.
    sent_days_ago: int | None
    publish_in_days: int | None = None


DEMO_NOTICES: tuple[DemoNotice, ...] = (
    DemoNotice(
        UpdateNotice.Kind.SCHEDULED,
        ("2026",),
        "CONNECT CAM 2026.3 maintenance update",
        "Mise à jour de maintenance CONNECT CAM 2026.3",
        "Patch 2026.3 fixes toolpath gouging on 5-axis swarf cuts and speeds up simulation.\n"
        "Install it at your next maintenance window.",
        "Le correctif 2026.3 corrige les talonnages en usinage 5 axes en roulant et accélère "
        "la simulation.\nInstallez-le lors de votre prochaine fenêtre de maintenance.",
        "Release notes | https://downloads.connect.example/cam/2026.3/notes",
        sent_days_ago=20,
    ),
    DemoNotice(
        UpdateNotice.Kind.URGENT,
        ("2026", "2027"),
        "Security fix for the licence service",
        "Correctif de sécurité du service de licences",
        "A flaw in the licence service lets a local user read other users' settings.\n"
        "Apply hotfix LS-2026-11 on every licence server today.",
        "Une faille du service de licences permet à un utilisateur local de lire les réglages "
        "des autres.\nAppliquez le correctif LS-2026-11 sur chaque serveur de licences dès "
        "aujourd'hui.",
        "Hotfix LS-2026-11 | https://downloads.connect.example/security/LS-2026-11",
        sent_days_ago=3,
    ),
    DemoNotice(
        UpdateNotice.Kind.SCHEDULED,
        ("2027",),
        "CONNECT CAM 2027.2 feature update",
        "Mise à jour fonctionnelle CONNECT CAM 2027.2",
        "2027.2 brings new post-processors for Okuma and DMG Mori controls.",
        "La 2027.2 apporte de nouveaux post-processeurs pour les commandes Okuma et DMG Mori.",
        "",
        sent_days_ago=None,
        publish_in_days=7,
    ),
)


def seed_notices(*, now: dt.datetime | None = None) -> int:
    """Create the demo site releases and notices once, sending through the services."""
    now = now or timezone.now()
    with transaction.atomic():
        created = _site_releases_seed()
    for spec in DEMO_NOTICES:
        created += _notice_seed(spec, now)
    return created


def _site_releases_seed() -> int:
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


def _notice_seed(spec: DemoNotice, now: dt.datetime) -> int:
    if UpdateNotice.objects.filter(title_en=spec.title_en).exists():
        return 0
    sent_at = now - dt.timedelta(days=spec.sent_days_ago) if spec.sent_days_ago else None
    publish_at = sent_at or (now + dt.timedelta(days=spec.publish_in_days or 0))
    notice = update_notice_create(
        kind=spec.kind,
        releases=Release.objects.filter(product__code="connect-cam", version__in=spec.releases),
        title_en=spec.title_en,
        title_fr=spec.title_fr,
        body_en=spec.body_en,
        body_fr=spec.body_fr,
        links=spec.links,
        publish_at=publish_at if spec.kind == UpdateNotice.Kind.SCHEDULED else None,
        by=User.objects.filter(email=DEMO_AUTHOR).first(),
    )
    if sent_at is not None:
        update_notice_fanout_run(notice=notice, now=sent_at)
    return 1
