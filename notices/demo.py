"""Demo update notices (issue 7): what the demo sites were told, and a draft still to send."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from contracts.models import Release, User
from notices.models import UpdateNotice
from notices.services.publish import update_notice_create, update_notice_fanout_run

DEMO_AUTHOR = "manager@demo.test"


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
    """Create the demo notices once, sending through the services; sites' releases come first."""
    now = now or timezone.now()
    created = 0
    for spec in DEMO_NOTICES:
        created += _notice_seed(spec, now)
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
