"""Rules that span rows or need the database: references, ownership, overlaps."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.utils.translation import gettext as _

from contracts.models import Organization
from contracts.services.imports.existing import Existing
from contracts.services.imports.reading import RowError
from contracts.services.imports.specs import FileSpecs


def checks_run(specs: FileSpecs, found: Existing) -> list[RowError]:
    """Return every error of the file as a whole, against itself and the database."""
    errors = [
        *_partner_errors(specs, found),
        *_served_errors(specs, found),
        *_site_owner_errors(specs, found),
        *_holder_errors(specs, found),
        *_overlap_errors(specs, found),
        *_contact_errors(specs, found),
    ]
    return sorted(errors, key=lambda error: error.line or 0)


def _kind_of(name: str, specs: FileSpecs, found: Existing) -> str | None:
    """Return the kind the organisation will have after the import, None if unknown."""
    if name in specs.orgs:
        return specs.orgs[name].fields.kind
    if name in found.orgs:
        return found.orgs[name].kind
    return None


def _partner_errors(specs: FileSpecs, found: Existing) -> list[RowError]:
    errors = []
    for spec in specs.orgs.values():
        partner = spec.fields.partner_name
        if not partner:
            continue
        kind = _kind_of(partner, specs, found)
        if kind is None:
            message = _(
                "unknown partner: no organisation named “%(name)s” in this file or in the portal"
            ) % {"name": partner}
        elif kind not in Organization.PARTNER_KINDS:
            message = _(
                "“%(name)s” is a %(kind)s, not a partner (distributor, OEM or other partner)"
            ) % {"name": partner, "kind": Organization.Kind(kind).label.lower()}
        else:
            continue
        errors.append(RowError(spec.line, "partner_name", message))
    return errors


def _served_errors(specs: FileSpecs, found: Existing) -> list[RowError]:
    """Refuse to turn a partner that still serves end customers into a non-partner."""
    errors = []
    for name, spec in specs.orgs.items():
        org = found.orgs.get(name)
        if org is None or spec.fields.kind in Organization.PARTNER_KINDS:
            continue
        still_served = [
            customer
            for customer in found.served.get(org.pk, [])
            if customer not in specs.orgs or specs.orgs[customer].fields.partner_name == name
        ]
        if still_served:
            message = _(
                "“%(name)s” serves end customers in the portal (%(customers)s); "
                "it must stay a distributor, OEM or other partner"
            ) % {"name": name, "customers": ", ".join(sorted(still_served)[:5])}
            errors.append(RowError(spec.line, "organisation_kind", message))
    return errors


def _site_owner_errors(specs: FileSpecs, found: Existing) -> list[RowError]:
    errors = []
    for code, spec in specs.sites.items():
        site = found.sites.get(code)
        if site is None:
            continue
        owner = found.site_owner_names[site.organization_id]
        if owner != spec.org_name:
            message = _(
                "duplicate site code: %(code)s already belongs to “%(owner)s” in the portal; "
                "an import cannot move a site to another organisation"
            ) % {"code": code, "owner": owner}
            errors.append(RowError(spec.line, "site_code", message))
    return errors


def _holder_errors(specs: FileSpecs, found: Existing) -> list[RowError]:
    errors = []
    for spec in specs.contracts.values():
        holder = spec.fields.holder
        if holder not in specs.orgs and holder not in found.orgs:
            message = _(
                "unknown holder: no organisation named “%(name)s” in this file or in the portal"
            ) % {"name": holder}
            errors.append(RowError(spec.line, "contract_holder", message))
    return errors


@dataclass(frozen=True)
class _Span:
    start: dt.date
    end: dt.date
    reference: str
    line: int | None  # None: a contract of the database the file does not mention


def _overlap_errors(specs: FileSpecs, found: Existing) -> list[RowError]:
    """Refuse two contracts covering one site on a common day (file or database)."""
    spans: dict[str, list[_Span]] = defaultdict(list)
    for reference, spec in specs.contracts.items():
        for code, line in spec.site_lines.items():
            spans[code].append(_Span(spec.fields.start, spec.fields.end, reference, line))
    for code, site in found.sites.items():
        # The file's own contracts are taken with the file's dates, not the stored ones.
        for linked in found.site_contracts.get(site.pk, []):
            if linked.reference not in specs.contracts:
                spans[code].append(_Span(linked.start, linked.end, linked.reference, None))
    errors = []
    for code, site_spans in spans.items():
        errors += _overlaps_on(code, site_spans)
    return errors


def _overlaps_on(code: str, spans: list[_Span]) -> list[RowError]:
    errors = []
    latest: _Span | None = None  # the span reaching furthest so far
    for span in sorted(spans, key=lambda s: (s.start, s.end)):
        if latest is not None and span.start <= latest.end:
            if span.line is not None:
                errors.append(_overlap_error(code, span, latest, "contract_start"))
            elif latest.line is not None:
                errors.append(_overlap_error(code, latest, span, "contract_end"))
        if latest is None or span.end > latest.end:
            latest = span
    return errors


def _overlap_error(code: str, span: _Span, other: _Span, column: str) -> RowError:
    message = _(
        "contract %(reference)s (%(start)s to %(end)s) overlaps contract %(other)s "
        "(%(other_start)s to %(other_end)s) on site %(site)s; "
        "a site is covered by one contract at a time"
    ) % {
        "reference": span.reference,
        "start": span.start.isoformat(),
        "end": span.end.isoformat(),
        "other": other.reference,
        "other_start": other.start.isoformat(),
        "other_end": other.end.isoformat(),
        "site": code,
    }
    return RowError(span.line, column, message)


def _contact_errors(specs: FileSpecs, found: Existing) -> list[RowError]:
    errors = []
    for email, spec in specs.contacts.items():
        user = found.users.get(email)
        if user is None:
            continue
        membership = found.memberships.get(user.pk)
        if user.is_staff:
            message = _("%(email)s is a staff account; it cannot be a customer's contact") % {
                "email": email
            }
        elif membership and membership.organization.name != spec.org_name:
            message = _(
                "%(email)s already belongs to “%(org)s” in the portal; "
                "a person belongs to one organisation"
            ) % {"email": email, "org": membership.organization.name}
        else:
            continue
        errors.append(RowError(spec.line, "contact_email", message))
    return errors
