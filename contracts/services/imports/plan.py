"""Compare the file with the database: what to create, what to update, what is unchanged."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from contracts.models import Contract, Membership, Organization, Site
from contracts.services.imports.existing import Existing
from contracts.services.imports.specs import ContactSpec, ContractSpec, FileSpecs, OrgSpec, SiteSpec

KINDS = ("organizations", "sites", "contracts", "contacts", "site_releases")


@dataclass
class Plan:
    """The writes an import makes; empty lists when the database already agrees."""

    counts: dict[str, dict[str, int]] = field(
        default_factory=lambda: {k: {"created": 0, "updated": 0, "unchanged": 0} for k in KINDS}
    )
    new_orgs: list[OrgSpec] = field(default_factory=list)
    changed_orgs: list[tuple[Organization, OrgSpec]] = field(default_factory=list)
    new_sites: list[SiteSpec] = field(default_factory=list)
    changed_sites: list[tuple[Site, SiteSpec]] = field(default_factory=list)
    new_contracts: list[ContractSpec] = field(default_factory=list)
    changed_contracts: list[tuple[Contract, ContractSpec]] = field(default_factory=list)
    links_to_add: list[tuple[str, str]] = field(default_factory=list)  # (reference, site code)
    links_to_remove: list[int] = field(default_factory=list)  # ids of through rows
    new_users: list[ContactSpec] = field(default_factory=list)
    new_memberships: list[ContactSpec] = field(default_factory=list)
    flagged_memberships: list[Membership] = field(default_factory=list)

    def count(self, kind: str, outcome: str) -> None:
        self.counts[kind][outcome] += 1


def plan_make(specs: FileSpecs, found: Existing) -> Plan:
    """Match every entity of the file by natural key and decide its write."""
    plan = Plan()
    _plan_orgs(plan, specs, found)
    _plan_sites(plan, specs, found)
    _plan_contracts(plan, specs, found)
    _plan_contacts(plan, specs, found)
    return plan


def contract_status_for(end: dt.date) -> str:
    """Return the status a contract ending on `end` gets when its dates are written."""
    # A contract covers its last day in the site's zone; until UTC is two days past it,
    # some zone (down to UTC-12) may still be on that day, so it is not over yet.
    over = end < timezone.now().date() - dt.timedelta(days=1)
    return Contract.Status.EXPIRED if over else Contract.Status.ACTIVE


def _plan_orgs(plan: Plan, specs: FileSpecs, found: Existing) -> None:
    for name, spec in specs.orgs.items():
        org = found.orgs.get(name)
        if org is None:
            plan.new_orgs.append(spec)
            plan.count("organizations", "created")
            continue
        partner = found.orgs.get(spec.fields.partner_name)
        wanted_partner_id = partner.pk if partner else None
        same = (org.kind, org.country, org.language, org.partner_id) == (
            spec.fields.kind,
            spec.fields.country,
            spec.fields.language,
            wanted_partner_id,
        )
        # A partner the import is about to create cannot be the stored one yet.
        if same and (wanted_partner_id is not None or not spec.fields.partner_name):
            plan.count("organizations", "unchanged")
        else:
            plan.changed_orgs.append((org, spec))
            plan.count("organizations", "updated")


def _plan_sites(plan: Plan, specs: FileSpecs, found: Existing) -> None:
    for code, spec in specs.sites.items():
        site = found.sites.get(code)
        fields = spec.fields
        if site is None:
            plan.new_sites.append(spec)
            plan.count("sites", "created")
        elif (site.name, site.country, site.time_zone, site.address) == (
            fields.name,
            fields.country,
            fields.time_zone,
            fields.address,
        ):
            plan.count("sites", "unchanged")
        else:
            plan.changed_sites.append((site, spec))
            plan.count("sites", "updated")


def _plan_contracts(plan: Plan, specs: FileSpecs, found: Existing) -> None:
    for reference, spec in specs.contracts.items():
        contract = found.contracts.get(reference)
        if contract is None:
            plan.new_contracts.append(spec)
            plan.links_to_add += [(reference, code) for code in spec.site_lines]
            plan.count("contracts", "created")
            continue
        holder = found.orgs.get(spec.fields.holder)
        same = (contract.holder_id, contract.start_date, contract.end_date) == (
            holder.pk if holder else None,
            spec.fields.start,
            spec.fields.end,
        )
        links_changed = _plan_links(plan, contract, spec, found)
        if same and not links_changed:
            plan.count("contracts", "unchanged")
            continue
        if not same:
            plan.changed_contracts.append((contract, spec))
        plan.count("contracts", "updated")


def _plan_links(plan: Plan, contract: Contract, spec: ContractSpec, found: Existing) -> bool:
    """Plan the contract's sites to become exactly the file's; tell whether they change."""
    links = found.contract_links.get(contract.pk, {})
    wanted_ids = set()
    added = 0
    for code in spec.site_lines:
        site = found.sites.get(code)
        if site is not None:
            wanted_ids.add(site.pk)
        if site is None or site.pk not in links:
            plan.links_to_add.append((contract.reference, code))
            added += 1
    removed = [pk for site_id, pk in links.items() if site_id not in wanted_ids]
    plan.links_to_remove += removed
    return bool(added or removed)


def _plan_contacts(plan: Plan, specs: FileSpecs, found: Existing) -> None:
    for email, spec in specs.contacts.items():
        user = found.users.get(email)
        membership = found.memberships.get(user.pk) if user else None
        if user is None:
            plan.new_users.append(spec)
        if membership is None:
            plan.new_memberships.append(spec)
            plan.count("contacts", "created")
        elif not membership.is_technical_contact:
            plan.flagged_memberships.append(membership)
            plan.count("contacts", "updated")
        else:
            plan.count("contacts", "unchanged")
