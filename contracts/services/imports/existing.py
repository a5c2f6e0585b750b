"""Load, in a handful of bulk queries, what the database already holds for a file."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.db.models import QuerySet

from contracts.models import Contract, Membership, Organization, Site, User
from contracts.services.imports.specs import FileSpecs

# Keeps every `IN (...)` list well under SQLite's limit on bound parameters.
CHUNK = 2000


@dataclass(frozen=True)
class LinkedContract:
    """A contract already covering a site, as the overlap check needs it."""

    reference: str
    start: dt.date
    end: dt.date


@dataclass
class Existing:
    """The rows the file may match by natural key, keyed the way the file names them."""

    orgs: dict[str, Organization] = field(default_factory=dict)
    sites: dict[str, Site] = field(default_factory=dict)
    site_owner_names: dict[int, str] = field(default_factory=dict)
    contracts: dict[str, Contract] = field(default_factory=dict)
    # Contract id -> {site id: through-row id} for the contracts of the file.
    contract_links: dict[int, dict[int, int]] = field(default_factory=dict)
    # Site id -> contracts (not cancelled) covering it, for the sites of the file.
    site_contracts: dict[int, list[LinkedContract]] = field(default_factory=dict)
    # Partner organisation id -> names of the end customers it serves.
    served: dict[int, list[str]] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    memberships: dict[int, Membership] = field(default_factory=dict)


def existing_load(specs: FileSpecs) -> Existing:
    """Fetch every organisation, site, contract and person the file names."""
    found = Existing()
    names = set(specs.orgs)
    names |= {spec.fields.partner_name for spec in specs.orgs.values() if spec.fields.partner_name}
    names |= {spec.fields.holder for spec in specs.contracts.values()}
    found.orgs = {o.name: o for o in _chunked(Organization.objects.all(), "name", names)}
    _load_sites(found, specs)
    _load_contracts(found, specs)
    partner_ids = [org.pk for org in found.orgs.values() if org.is_partner]
    served = _chunked(
        Organization.objects.values_list("partner_id", "name"), "partner_id", partner_ids
    )
    found.served = _grouped(served)
    users = _chunked(User.objects.all(), "email", list(specs.contacts))
    found.users = {user.email: user for user in users}
    memberships = _chunked(
        Membership.objects.select_related("organization"),
        "user_id",
        [user.pk for user in found.users.values()],
    )
    found.memberships = {membership.user_id: membership for membership in memberships}
    return found


def _load_sites(found: Existing, specs: FileSpecs) -> None:
    found.sites = {s.code: s for s in _chunked(Site.objects.all(), "code", list(specs.sites))}
    owner_ids = {site.organization_id for site in found.sites.values()}
    owners = _chunked(Organization.objects.values_list("pk", "name"), "pk", owner_ids)
    found.site_owner_names = dict(owners)
    links = _chunked(
        Contract.sites.through.objects.exclude(
            contract__status=Contract.Status.CANCELLED
        ).values_list(
            "site_id", "contract__reference", "contract__start_date", "contract__end_date"
        ),
        "site_id",
        [site.pk for site in found.sites.values()],
    )
    by_site: dict[int, list[LinkedContract]] = defaultdict(list)
    for site_id, reference, start, end in links:
        by_site[site_id].append(LinkedContract(reference, start, end))
    found.site_contracts = dict(by_site)


def _load_contracts(found: Existing, specs: FileSpecs) -> None:
    contracts = _chunked(Contract.objects.all(), "reference", list(specs.contracts))
    found.contracts = {contract.reference: contract for contract in contracts}
    links = _chunked(
        Contract.sites.through.objects.values_list("pk", "contract_id", "site_id"),
        "contract_id",
        [contract.pk for contract in found.contracts.values()],
    )
    by_contract: dict[int, dict[int, int]] = defaultdict(dict)
    for pk, contract_id, site_id in links:
        by_contract[contract_id][site_id] = pk
    found.contract_links = dict(by_contract)


def _chunked(queryset: QuerySet, field_name: str, values: Iterable) -> Iterator:
    values = list(values)
    for start in range(0, len(values), CHUNK):
        # No ordering: the default ones join other tables for nothing here.
        chunk = values[start : start + CHUNK]
        yield from queryset.order_by().filter(**{f"{field_name}__in": chunk})


def _grouped(pairs: Iterable[tuple]) -> dict:
    grouped: dict = defaultdict(list)
    for key, value in pairs:
        grouped[key].append(value)
    return dict(grouped)
