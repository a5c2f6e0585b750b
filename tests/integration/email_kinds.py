"""Produce every kind of email through the real services, for test_email_kinds_smtp.py (issue 12).

Everyone of the world speaks one language. Tuesday 3 March 2026 in Chicago (CST, UTC-6) is an
open day of the Worldwide calendar (08:00-17:00); the default policy's P1 targets are a first
response in 150 support minutes (warned at 75 %), resolution in 480, an update every 120.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import time_machine
from django.test import Client

from cases.models import Case
from cases.services import (
    case_assign,
    case_comment,
    case_escalate,
    case_open,
    case_provide_information,
    case_request_information,
    case_resolve,
    case_triage,
    case_withdraw,
)
from cases.services.sweep import sla_sweep
from contracts.models import Membership, Organization, Release, Site, SiteRelease, User
from contracts.roles import StaffRole
from contracts.services.contracts import contracts_send_expiry_notices
from mail.models import OutboxMessage
from mail.services.outbox import outbox_deliver_one
from notices.models import UpdateNotice
from notices.services.publish import update_notice_create, update_notice_fanout_run
from portal.services.team import member_invite
from sla.models import PolicyVersion
from sla.services.calendars import support_calendar_cache_clear
from sla.services.policies import policy_version_create_draft, policy_version_set_targets
from sla.services.policy_notices import policy_version_announce
from tests.factories import (
    ContractFactory,
    MembershipFactory,
    OrganizationFactory,
    ProductFactory,
    ReleaseFactory,
    SiteFactory,
    UserFactory,
)

CHICAGO = ZoneInfo("America/Chicago")
DAY = dt.date(2026, 3, 3)
# Acme's contract ends 28 days after DAY: the 30-day expiry notice is due.
CONTRACT_END = dt.date(2026, 3, 31)
NOTICE_TITLES = {
    UpdateNotice.Kind.URGENT: ("Licence server fix", "Correctif du serveur de licences"),
    UpdateNotice.Kind.SCHEDULED: ("CONNECT CAM 2026.5", "CONNECT CAM 2026.5 disponible"),
}


def chicago(hour: int, minute: int = 0) -> dt.datetime:
    """Return an instant of DAY in Chicago."""
    return dt.datetime(DAY.year, DAY.month, DAY.day, hour, minute, tzinfo=CHICAGO)


@dataclass(frozen=True)
class Sent:
    """What the tests need of one outbox row once delivery is over (the rows are rolled back)."""

    pk: int
    kind: str
    to_email: str
    language: str
    state: str


@dataclass(frozen=True)
class Cast:
    """The people and places every kind of email is about."""

    acme: Organization
    site: Site
    release: Release
    customer: User  # Acme's admin and designated technical contact: reporter of every case
    agent: User
    other_agent: User
    supervisor: User


def cast_build(language: str) -> Cast:
    """Build Acme (covered, running 2026 in Chicago) and the support staff, all in `language`.

    The SMTP server lives for the whole module, so each language's people have addresses of
    their own: a message of the English run can never pass for one of the French run.
    """

    def person(local: str, domain: str, name: str, **extra) -> User:
        email = f"{local}.{language}@{domain}"
        return UserFactory(email=email, full_name=name, language=language, **extra)

    product = ProductFactory(name="CONNECT CAM", code="connect-cam")
    # 2026 is the current release on DAY, 2025 the previous one: both supported.
    ReleaseFactory(product=product, version="2025", release_date=dt.date(2024, 10, 15))
    release = ReleaseFactory(product=product, version="2026", release_date=dt.date(2025, 10, 15))
    acme = OrganizationFactory(name="Acme", kind="direct_customer", language=language)
    site = SiteFactory(
        organization=acme, code="ACME-CHI", name="Acme Chicago", time_zone="America/Chicago"
    )
    ContractFactory(
        reference="ACME-001",
        holder=acme,
        sites=[site],
        start_date=dt.date(2025, 4, 1),
        end_date=CONTRACT_END,
    )
    SiteRelease.objects.create(site=site, release=release, seats=5)
    customer = person("admin", "acme.test", "Ada Admin")
    MembershipFactory(
        user=customer, organization=acme, role=Membership.Role.ADMIN, is_technical_contact=True
    )
    return Cast(
        acme=acme,
        site=site,
        release=release,
        customer=customer,
        agent=person("agent", "vendor.test", "Sam Agent", staff_role=StaffRole.AGENT),
        other_agent=person("agent2", "vendor.test", "Kim Agent", staff_role=StaffRole.AGENT),
        supervisor=person("supervisor", "vendor.test", "Lee Lead", staff_role=StaffRole.SUPERVISOR),
    )


def every_kind_produce(language: str) -> list[Sent]:
    """Build the world in `language`, produce every kind of email, deliver every due message.

    The caller points Django at the SMTP server and rolls the database back afterwards.
    """
    # Calendar engines are cached per process by pk; a rolled-back world reuses pks.
    support_calendar_cache_clear()
    try:
        with time_machine.travel(chicago(8, 30), tick=False) as clock:
            cast = cast_build(language)
            _case_emails(cast, clock)
            _sla_alerts(cast, clock)
            clock.move_to(chicago(15))
            _service_messages(cast, clock)
            return _deliver_all()
    finally:
        support_calendar_cache_clear()


def _open(cast: Cast, clock, at: dt.datetime, title: str, priority: str = "P1") -> Case:
    clock.move_to(at)
    return case_open(
        reporter=cast.customer,
        organization=cast.acme,
        site=cast.site,
        release=cast.release,
        title=title,
        description="The post-processor stops after 200 lines of G-code.",
        proposed_priority=priority,
        channel="portal",
        received_at=at,
    )


def _at(clock, at: dt.datetime) -> dt.datetime:
    clock.move_to(at)
    return at


def _case_emails(cast: Cast, clock) -> None:
    """Open A and B for the sweep; take E through its lifecycle and withdraw F."""
    staff, customer = cast.agent, cast.customer
    # A: nobody answers; warned at 10:52:30, breaches its response target at 11:30.
    case_a = _open(cast, clock, chicago(9), "Spindle alarm on the 5-axis mill")
    case_assign(case=case_a, by=cast.supervisor, assignee=staff, at=chicago(9))
    # B: answered at 09:10, so an update is due every 120 support minutes from then.
    case_b = _open(cast, clock, chicago(9), "Licence server refuses seats")
    case_b = case_triage(case=case_b, by=staff, priority="P1", at=_at(clock, chicago(9, 5)))
    case_b = case_assign(case=case_b, by=staff, assignee=cast.other_agent, at=chicago(9, 5))
    reply = "We are on it."
    case_comment(case=case_b, by=cast.other_agent, body=reply, at=_at(clock, chicago(9, 10)))
    # E: P3, so none of its own SLA alerts falls on the day.
    case_e = _open(cast, clock, chicago(9), "Tool library import is slow", priority="P3")
    steps = [
        lambda c, at: case_triage(case=c, by=staff, priority="P3", at=at),
        lambda c, at: case_request_information(case=c, by=staff, body="The log?", at=at),
        lambda c, at: case_provide_information(case=c, by=customer, body="Attached.", at=at),
        lambda c, at: case_escalate(case=c, by=customer, reason="Production stops.", at=at),
        lambda c, at: case_resolve(case=c, by=staff, kind="settled", body="Patch 2.", at=at),
    ]
    for n, step in enumerate(steps, start=1):  # five minutes apart, from 09:05
        case_e = step(case_e, _at(clock, chicago(9, 5 * n)))
    case_f = _open(cast, clock, chicago(9), "How do I program a pocket?", priority="P3")
    case_withdraw(
        case=case_f,
        by=staff,
        exclusion="training",
        explanation="This is training.",
        at=_at(clock, chicago(9, 45)),
    )


def _sweep(clock, at: dt.datetime, **expected: int) -> None:
    clock.move_to(at)
    result = sla_sweep(now=at)
    found = {name: getattr(result, name) for name in expected}
    assert found == expected, f"sweep at {at:%H:%M} raised {result.summary()}"


def _sla_alerts(cast: Cast, clock) -> None:
    """Sweep the day: single alerts in the morning, two unassigned cases a digest later."""
    _sweep(clock, chicago(10, 55), warnings=1)  # A: sla_warning, sla_warning_customer
    _sweep(clock, chicago(11, 15), reminders=1)  # B: sla_update_reminder
    _sweep(clock, chicago(11, 31), breaches=1)  # A: sla_breach, sla_breach_customer
    # C and D have no assignee: each of their alerts goes to the supervisor.
    for title in ("Probe calibration lost", "Coolant macro fails"):
        _open(cast, clock, chicago(12), title)
    _sweep(clock, chicago(13, 55), warnings=2, reminders=1)  # digest of 2 warnings; B again
    _sweep(clock, chicago(14, 31), breaches=2)  # digest of 2 breaches


def _service_messages(cast: Cast, clock) -> None:
    """Contract expiry, both kinds of update notice, a policy change, an invitation, a reset."""
    assert contracts_send_expiry_notices(today=DAY) == 1
    for kind, (title_en, title_fr) in NOTICE_TITLES.items():
        publish_at = None if kind == UpdateNotice.Kind.URGENT else chicago(15, 30)
        notice = update_notice_create(
            kind=kind,
            title_en=title_en,
            title_fr=title_fr,
            body_en="Install it on every workstation.",
            body_fr="Installez-le sur chaque poste.",
            releases=[cast.release],
            publish_at=publish_at,
        )
        clock.move_to(publish_at or chicago(15))
        assert update_notice_fanout_run(notice=notice).queued == 1
    now = chicago(15, 30)
    current = PolicyVersion.objects.in_force_at(now).first()
    version = policy_version_create_draft(
        name="CONNECT SLP 2", effective_from=now + dt.timedelta(days=45), based_on=current
    )
    policy_version_set_targets(version=version, targets={"P1": {"response_minutes": 120}})
    assert policy_version_announce(version=version, by=None, now=now).recipients == 1
    member_invite(
        organization=cast.acme,
        email=f"new.{cast.customer.language}@acme.test",
        role=Membership.Role.VIEWER,
        invited_by=cast.customer,
        full_name="Nia New",
    )
    response = Client().post("/accounts/password/reset/", {"email": cast.customer.email})
    assert response.status_code == 302, response


def _deliver_all() -> list[Sent]:
    """Deliver every message due now, in this process, and describe every row."""
    pending = OutboxMessage.objects.filter(state=OutboxMessage.State.PENDING, digest="")
    for pk in pending.order_by("pk").values_list("pk", flat=True):
        outbox_deliver_one(pk)
    return [
        Sent(
            pk=message.pk,
            kind=_kind(message),
            to_email=message.to_email,
            language=message.language,
            state=message.state,
        )
        for message in OutboxMessage.objects.order_by("pk")
    ]


def _kind(message: OutboxMessage) -> str:
    """Return the kind of email a row is: its template, told apart where one serves two."""
    if message.template == "update_notice":
        return f"update_notice_{message.context['kind']}"
    if message.template == "sla_digest":
        alerts = {item["template"] for item in message.context["items"]}
        names = {frozenset({"sla_breach"}): "breaches", frozenset({"sla_warning"}): "warnings"}
        return f"sla_digest_{names.get(frozenset(alerts), '+'.join(sorted(alerts)))}"
    return message.template
