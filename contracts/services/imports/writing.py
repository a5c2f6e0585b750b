"""Carry out a plan with bulk statements; the caller holds the transaction."""

from __future__ import annotations

from contracts.models import Contract, Membership, Organization, Site, User
from contracts.services.imports.existing import CHUNK, Existing
from contracts.services.imports.plan import Plan, contract_status_for

ORG_FIELDS = ["kind", "country", "language", "partner"]
SITE_FIELDS = ["name", "country", "time_zone", "address"]
CONTRACT_FIELDS = ["holder", "start_date", "end_date", "status", "expiry_notices_sent"]


def plan_apply(plan: Plan, found: Existing) -> None:
    """Write the plan: organisations, then sites, contracts and their sites, then contacts."""
    orgs = dict(found.orgs)
    _write_orgs(plan, orgs)
    sites = _write_sites(plan, orgs, found)
    _write_contracts(plan, orgs, sites, found)
    _write_contacts(plan, orgs, found)


def _write_orgs(plan: Plan, orgs: dict[str, Organization]) -> None:
    # Partners first, so the end customers created next can point at them.
    for end_customers in (False, True):
        batch = [
            Organization(
                name=spec.fields.name,
                kind=spec.fields.kind,
                country=spec.fields.country,
                language=spec.fields.language,
                partner=orgs[spec.fields.partner_name] if end_customers else None,
            )
            for spec in plan.new_orgs
            if (spec.fields.kind == Organization.Kind.END_CUSTOMER) == end_customers
        ]
        orgs.update((org.name, org) for org in Organization.objects.bulk_create(batch))
    for org, spec in plan.changed_orgs:
        org.kind = spec.fields.kind
        org.country = spec.fields.country
        org.language = spec.fields.language
        org.partner = orgs[spec.fields.partner_name] if spec.fields.partner_name else None
    Organization.objects.bulk_update([org for org, _ in plan.changed_orgs], ORG_FIELDS)


def _write_sites(plan: Plan, orgs: dict[str, Organization], found: Existing) -> dict[str, Site]:
    created = Site.objects.bulk_create(
        Site(
            organization=orgs[spec.org_name],
            code=spec.fields.code,
            name=spec.fields.name,
            country=spec.fields.country,
            time_zone=spec.fields.time_zone,
            address=spec.fields.address,
        )
        for spec in plan.new_sites
    )
    for site, spec in plan.changed_sites:
        site.name = spec.fields.name
        site.country = spec.fields.country
        site.time_zone = spec.fields.time_zone
        site.address = spec.fields.address
    Site.objects.bulk_update([site for site, _ in plan.changed_sites], SITE_FIELDS)
    return {**found.sites, **{site.code: site for site in created}}


def _write_contracts(
    plan: Plan, orgs: dict[str, Organization], sites: dict[str, Site], found: Existing
) -> None:
    created = Contract.objects.bulk_create(
        Contract(
            reference=spec.fields.reference,
            holder=orgs[spec.fields.holder],
            start_date=spec.fields.start,
            end_date=spec.fields.end,
            status=contract_status_for(spec.fields.end),
        )
        for spec in plan.new_contracts
    )
    contracts = {**found.contracts, **{contract.reference: contract for contract in created}}
    for contract, spec in plan.changed_contracts:
        if spec.fields.end != contract.end_date:
            # Expiry notices counted days to the old end; the new end gets its own.
            contract.expiry_notices_sent = []
        if contract.status != Contract.Status.CANCELLED and (
            (spec.fields.start, spec.fields.end) != (contract.start_date, contract.end_date)
        ):
            contract.status = contract_status_for(spec.fields.end)
        contract.holder = orgs[spec.fields.holder]
        contract.start_date = spec.fields.start
        contract.end_date = spec.fields.end
    Contract.objects.bulk_update([c for c, _ in plan.changed_contracts], CONTRACT_FIELDS)
    through = Contract.sites.through
    through.objects.bulk_create(
        through(contract_id=contracts[reference].pk, site_id=sites[code].pk)
        for reference, code in plan.links_to_add
    )
    for start in range(0, len(plan.links_to_remove), CHUNK):
        through.objects.filter(pk__in=plan.links_to_remove[start : start + CHUNK]).delete()


def _write_contacts(plan: Plan, orgs: dict[str, Organization], found: Existing) -> None:
    users = dict(found.users)
    new_users = []
    for spec in plan.new_users:
        # No usable password: the person sets one through an invitation or a reset.
        user = User(email=spec.fields.email, language=spec.fields.language)
        user.set_unusable_password()
        new_users.append(user)
    users.update((user.email, user) for user in User.objects.bulk_create(new_users))
    Membership.objects.bulk_create(
        Membership(
            user=users[spec.fields.email],
            organization=orgs[spec.org_name],
            role=Membership.Role.ADMIN,
            is_technical_contact=True,
        )
        for spec in plan.new_memberships
    )
    for membership in plan.flagged_memberships:
        membership.is_technical_contact = True
    Membership.objects.bulk_update(plan.flagged_memberships, ["is_technical_contact"])
