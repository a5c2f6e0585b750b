"""The demo world as the case stories read it: who files for which site, staff, targets, releases.

Part of the demo cases (cases.demo); nothing here writes.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime
from functools import cached_property

from contracts.demo import DEMO_ORGS
from contracts.models import Membership, Organization, Patch, Release, Site, User
from contracts.services.eligibility import eligibility_check
from contracts.services.releases import releases_supported
from sla.services.calendars import support_calendar_for_site
from sla.services.policies import policy_targets, policy_version_in_force

DEMO_DAYS = 60
_STAFF = {
    "agent": "agent@demo.test",
    "supervisor": "supervisor@demo.test",
    "manager": "manager@demo.test",
}


@dataclass(frozen=True)
class _Filer:
    """Who files for a site: the site's organisation, or the partner serving it (SLP-1)."""

    organization: Organization
    site: Site
    reporters: tuple[User, ...]
    contacts: tuple[User, ...]  # the end customer's people, when a partner files for one
    french: bool


def _people(organization: Organization, roles: tuple[str, ...]) -> tuple[User, ...]:
    return tuple(
        membership.user
        for membership in Membership.objects.filter(
            organization=organization, role__in=roles, is_active=True, user__is_active=True
        )
        .select_related("user")
        .order_by("user__email")
    )


def _filers() -> list[_Filer]:
    """Return every demo site with the organisation that files its cases and its people."""
    names = [org.name for org in DEMO_ORGS]
    sites = Site.objects.filter(organization__name__in=names).select_related(
        "organization__partner"
    )
    filers = []
    for site in sites.order_by("code"):
        owner = site.organization
        filing = owner.partner or owner
        reporters = _people(filing, (Membership.Role.ADMIN, Membership.Role.AGENT))
        contacts = (
            _people(owner, (Membership.Role.ADMIN, Membership.Role.AGENT)) if owner.partner else ()
        )
        if reporters:
            filers.append(_Filer(filing, site, reporters, contacts, filing.language == "fr"))
    return filers


class _World:
    """What every story reads: the clock, staff, targets, calendars, releases and patches by day."""

    def __init__(self, now: datetime, filers: list[_Filer]) -> None:
        self.now = now
        self.filers = filers
        self.staff = {key: User.objects.get(email=email) for key, email in _STAFF.items()}
        version = policy_version_in_force(at=now)
        self.targets = {str(p): target for p, target in policy_targets(version).items()}
        self.threshold = version.warning_threshold
        self.engines = {filer.site.pk: support_calendar_for_site(filer.site) for filer in filers}
        self._releases: dict[date, list[Release]] = {}
        self._patches: dict[tuple[int, date], Patch | None] = {}
        self._turns: dict[str, list[_Filer]] = {}

    def filer_for(self, rng: random.Random, state: str | None) -> _Filer:
        """Return who files a case: anyone for the history; for an open state, sites in turn.

        In turn among the sites covered now, so each organisation's dashboard shows about the
        shares of OPEN_STATES, not a run of breaches that chance gave one of them.
        """
        if state is None:
            return rng.choice(self.filers)
        turns = self._turns.setdefault(state, [])
        if not turns:
            turns += self.covered
            rng.shuffle(turns)
        return turns.pop()

    @cached_property
    def covered(self) -> list[_Filer]:
        """Return the filers whose site is covered now for the current release (else all)."""
        current = releases_supported(on=self.now.date())[:1]
        return [
            filer
            for filer in self.filers
            if current and eligibility_check(
                organization=filer.organization, site=filer.site, release=current[0], at=self.now
            ).eligible
        ] or self.filers  # fmt: skip

    def release_on(self, rng: random.Random, day: date) -> tuple[Release, Patch | None]:
        """Return a supported release on that day (mostly the current one) and its latest patch."""
        if day not in self._releases:
            self._releases[day] = releases_supported(on=day)
        supported = self._releases[day]
        release = supported[0] if len(supported) < 2 or rng.random() < 0.7 else supported[1]
        key = (release.pk, day)
        if key not in self._patches:
            self._patches[key] = (
                Patch.objects.filter(release=release, release_date__lte=day)
                .order_by("-release_date")
                .first()
            )
        return release, self._patches[key]
