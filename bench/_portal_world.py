"""The world of the portal pages benchmark (bench/portal_pages.py): the staff world, seen by a partner.

Built on bench/_staff_world.py (imported, not changed): the same tenants, customers, staff,
release and case timelines. Two things differ. The distributor, Northwind, gets an
administrator, the person whose pages are measured; and the sites of Northwind's end
customers receive half of all cases, so that of 2 N cases seeded, about N are visible to her
(covered by Northwind, filed for one of its end customers) and as many belong to the other
tenants, in the same tables. Each tenant's contracts cover its sites, one of Northwind's ending
within the dashboard's "about to expire" window.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

import _staff_world

PARTNER = "Northwind Distribution"
ADMIN_EMAIL = "admin@northwind.test"
# Of all cases seeded, the share filed on the sites of the partner's end customers.
VISIBLE_SHARE = 0.5


@dataclass
class PortalWorld:
    """The staff world, the partner's administrator, and how many cases she sees."""

    staff: _staff_world.World
    admin: object
    partner: object


def world_build(rng: random.Random, *, now: dt.datetime) -> PortalWorld:
    """Create the staff world, the partner's administrator and every tenant's contracts."""
    from contracts.models import Membership, Organization, User

    world = _staff_world.world_build(rng, now=now)
    partner = Organization.objects.get(name=PARTNER)
    _weigh_sites(world, partner.pk)
    admin = User.objects.create_user(
        email=ADMIN_EMAIL,
        password="bench-only",
        full_name="Nora Admin",
        time_zone="America/Chicago",
    )
    Membership.objects.create(user=admin, organization=partner, role="admin")
    _contracts(world, partner.pk, today=now.date())
    return PortalWorld(staff=world, admin=admin, partner=partner)


def _weigh_sites(world: _staff_world.World, partner_id: int) -> None:
    """Give the partner's end customers' sites VISIBLE_SHARE of the cases, keeping the skew."""
    served = [site.organization.partner_id == partner_id for site in world.sites]
    totals = {
        flag: sum(w for w, s in zip(world.site_weights, served, strict=True) if s is flag)
        for flag in (True, False)
    }
    share = {True: VISIBLE_SHARE, False: 1 - VISIBLE_SHARE}
    world.site_weights = [
        weight * share[flag] / totals[flag]
        for weight, flag in zip(world.site_weights, served, strict=True)
    ]


def _contracts(world: _staff_world.World, partner_id: int, *, today: dt.date) -> None:
    """One contract per holder over its sites; the partner's first one ends in three weeks."""
    from contracts.models import Contract

    by_holder: dict[int, list] = {}
    for site in world.sites:
        holder = site.organization.partner_id or site.organization_id
        by_holder.setdefault(holder, []).append(site)
    for n, (holder, sites) in enumerate(sorted(by_holder.items())):
        end = today + dt.timedelta(days=21 if holder == partner_id else 200 + n)
        contract = Contract.objects.create(
            reference=f"CT-{n:04d}",
            holder_id=holder,
            start_date=end - dt.timedelta(days=364),
            end_date=end,
        )
        contract.sites.set(sites)
    # A second, later contract of the partner, so its list is not a single row.
    later = Contract.objects.create(
        reference="CT-NW-2",
        holder_id=partner_id,
        start_date=today - dt.timedelta(days=10),
        end_date=today + dt.timedelta(days=355),
    )
    later.sites.set(by_holder[partner_id][:3])


def cases_seed(world: PortalWorld, count: int, rng: random.Random) -> None:
    """Seed `count` cases of every tenant (about half visible to the administrator)."""
    _staff_world.cases_seed(world.staff, count, rng)
