"""Write CONNECT contracts: create, change sites, renew, expire, warn before the end (SLP-3)."""

from __future__ import annotations

import datetime as dt
import logging
import re
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass

from celery import shared_task
from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext_lazy as _

from contracts.models import Contract, Membership, Organization, Site
from mail.services.outbox import outbox_enqueue

logger = logging.getLogger(__name__)

# Days before the end of a contract when its holder's technical contacts are warned.
EXPIRY_NOTICE_DAYS = (60, 30)
# The furthest any time zone is behind UTC (Etc/GMT+12): a date is over everywhere
# only once it is over there.
LATEST_UTC_OFFSET = dt.timedelta(hours=12)


@dataclass(frozen=True)
class Overlap:
    """A site already covered by another contract over some of the same days."""

    site: Site
    contract: Contract


class ContractOverlapError(ValidationError):
    """Two contracts would cover the same site over overlapping dates."""

    def __init__(self, overlaps: list[Overlap]) -> None:
        self.overlaps = overlaps
        super().__init__(
            [
                ValidationError(
                    _(
                        "Site %(site)s is already covered by contract %(contract)s "
                        "from %(start)s to %(end)s."
                    ),
                    code="contract_overlap",
                    params={
                        "site": str(o.site),
                        "contract": o.contract.reference,
                        "start": o.contract.start_date.isoformat(),
                        "end": o.contract.end_date.isoformat(),
                    },
                )
                for o in overlaps
            ]
        )


class ContractRenewalError(ValidationError):
    """A contract cannot be renewed (already renewed, or cancelled)."""


def contract_overlaps(
    *,
    sites: Iterable[Site],
    start_date: dt.date,
    end_date: dt.date,
    exclude: Contract | None = None,
) -> list[Overlap]:
    """Return every (site, contract) pair that already covers one of the sites in the period."""
    site_ids = [site.pk for site in sites]
    if not site_ids:
        return []
    links = (
        Contract.sites.through.objects.filter(
            site_id__in=site_ids,
            contract__start_date__lte=end_date,
            contract__end_date__gte=start_date,
        )
        .exclude(contract__status=Contract.Status.CANCELLED)
        .select_related("site", "contract")
        .order_by("site__code", "contract__start_date")
    )
    if exclude is not None and exclude.pk is not None:
        links = links.exclude(contract_id=exclude.pk)
    return [Overlap(site=link.site, contract=link.contract) for link in links]


def contract_check_overlap(
    *,
    sites: Iterable[Site],
    start_date: dt.date,
    end_date: dt.date,
    exclude: Contract | None = None,
) -> None:
    """Raise ContractOverlapError if another contract covers one of the sites in the period."""
    overlaps = contract_overlaps(
        sites=sites, start_date=start_date, end_date=end_date, exclude=exclude
    )
    if overlaps:
        raise ContractOverlapError(overlaps)


def _sites_lock(sites: list[Site]) -> None:
    # Serialises writers on the same sites (PostgreSQL), so two concurrent
    # transactions cannot both pass the overlap check and both commit.
    list(Site.objects.select_for_update().filter(pk__in=[s.pk for s in sites]).order_by("pk"))


@transaction.atomic
def contract_create(
    *,
    reference: str,
    holder: Organization,
    sites: Iterable[Site],
    start_date: dt.date,
    end_date: dt.date,
    status: str = Contract.Status.ACTIVE,
    renewed_from: Contract | None = None,
) -> Contract:
    """Create a contract covering the sites; refuse bad dates, a taken reference or an overlap."""
    sites = list(sites)
    contract = Contract(
        reference=reference,
        holder=holder,
        start_date=start_date,
        end_date=end_date,
        status=status,
        renewed_from=renewed_from,
    )
    contract.full_clean()
    _sites_lock(sites)
    if status != Contract.Status.CANCELLED:
        contract_check_overlap(sites=sites, start_date=start_date, end_date=end_date)
    contract.save()
    contract.sites.set(sites)
    return contract


@transaction.atomic
def contract_set_sites(*, contract: Contract, sites: Iterable[Site]) -> Contract:
    """Make the contract cover exactly these sites; refuse a site another contract covers."""
    sites = list(sites)
    _sites_lock(sites)
    if contract.status != Contract.Status.CANCELLED:
        contract_check_overlap(
            sites=sites,
            start_date=contract.start_date,
            end_date=contract.end_date,
            exclude=contract,
        )
    contract.sites.set(sites)
    return contract


_RENEWAL_SUFFIX = re.compile(r"-R(\d+)$")


def _renewal_reference(contract: Contract) -> str:
    match = _RENEWAL_SUFFIX.search(contract.reference)
    base = contract.reference[: match.start()] if match else contract.reference
    number = int(match.group(1)) + 1 if match else 1
    while Contract.objects.filter(reference=f"{base}-R{number}").exists():
        number += 1
    return f"{base}-R{number}"


@transaction.atomic
def contract_renew(
    *,
    contract: Contract,
    years: int = 1,
    end_date: dt.date | None = None,
    reference: str | None = None,
) -> Contract:
    """Create the follow-on contract from the day after the end, for the same holder and sites."""
    # The row lock makes a double click (or two staff at once) renew only once.
    contract = Contract.objects.select_for_update().get(pk=contract.pk)
    renewal = Contract.objects.filter(renewed_from=contract).first()
    if renewal is not None:
        raise ContractRenewalError(
            _("Contract %(contract)s was already renewed as %(renewal)s."),
            code="already_renewed",
            params={"contract": contract.reference, "renewal": renewal.reference},
        )
    if contract.status == Contract.Status.CANCELLED:
        raise ContractRenewalError(
            _("Contract %(contract)s is cancelled and cannot be renewed."),
            code="cancelled",
            params={"contract": contract.reference},
        )
    if end_date is None:
        if years < 1:
            raise ContractRenewalError(_("A renewal lasts at least one year."), code="years")
        end_date = contract.end_date + relativedelta(years=years)
    return contract_create(
        reference=reference or _renewal_reference(contract),
        holder=contract.holder,
        sites=contract.sites.all(),
        start_date=contract.end_date + dt.timedelta(days=1),
        end_date=end_date,
        renewed_from=contract,
    )


def contracts_expiry_day(now: dt.datetime) -> dt.date:
    """Return the earliest date still running somewhere on Earth at the instant."""
    return (now - LATEST_UTC_OFFSET).date()


def contracts_expire(*, today: dt.date) -> int:
    """Mark active contracts that ended before the day as expired; return how many."""
    return Contract.objects.filter(status=Contract.Status.ACTIVE, end_date__lt=today).update(
        status=Contract.Status.EXPIRED
    )


def _notice_due(days_left: int) -> int | None:
    # The nearest threshold not yet passed: a contract created 45 days before its
    # end still gets the 60-day notice, one created 20 days before only the 30-day one.
    return next((days for days in sorted(EXPIRY_NOTICE_DAYS) if days_left <= days), None)


def contract_local_day(contract: Contract, now: dt.datetime) -> dt.date:
    """Return the contract's date at the instant: the latest local date of its sites.

    Contract days are site days; a notice "60 days before the end" goes out once the first of
    the contract's sites reaches that day, whatever the UTC date.
    """
    zones = {site.time_zone for site in contract.sites.all()}
    if not zones:
        return now.astimezone(dt.UTC).date()
    return max(now.astimezone(zoneinfo.ZoneInfo(zone)).date() for zone in zones)


def contracts_send_expiry_notices(
    *, today: dt.date | None = None, now: dt.datetime | None = None
) -> int:
    """Warn technical contacts of contracts ending within 60 or 30 days; return emails queued.

    With `now`, each contract is judged on its sites' local date (contract_local_day); with
    `today`, every contract on that date.
    """
    first = today if today is not None else (now - LATEST_UTC_OFFSET).date()
    last = today if today is not None else (now + LATEST_UTC_OFFSET).date()
    horizon = last + dt.timedelta(days=max(EXPIRY_NOTICE_DAYS))
    due = (
        Contract.objects.filter(
            status=Contract.Status.ACTIVE, end_date__gte=first, end_date__lte=horizon
        )
        # A contract already renewed does not really end: no need to alarm anyone.
        .exclude(renewal__status=Contract.Status.ACTIVE)
        .values_list("pk", flat=True)
    )
    return sum(
        contract_send_expiry_notice(contract_id=pk, today=today, now=now) for pk in list(due)
    )


@transaction.atomic
def contract_send_expiry_notice(
    *, contract_id: int, today: dt.date | None = None, now: dt.datetime | None = None
) -> int:
    """Queue the contract's due expiry notice to each technical contact once; return emails queued."""
    contract = Contract.objects.select_for_update().select_related("holder").get(pk=contract_id)
    day = today if today is not None else contract_local_day(contract, now)
    days_left = (contract.end_date - day).days
    threshold = _notice_due(days_left)
    if days_left < 0 or threshold is None or threshold in contract.expiry_notices_sent:
        return 0
    contacts = Membership.objects.filter(
        organization_id=contract.holder_id,
        is_technical_contact=True,
        is_active=True,
        user__is_active=True,
    ).select_related("user")
    sites = [str(site) for site in contract.sites.order_by("code")]
    queued = 0
    for membership in contacts:
        user = membership.user
        outbox_enqueue(
            to_email=user.email,
            recipient=user,
            language=user.language,
            template="contract_expiry",
            idempotency_key=f"contract-expiry:{contract.pk}:{threshold}:{user.pk}",
            context=_expiry_context(contract, user, days_left, sites),
        )
        queued += 1
    if queued == 0:
        # Left unmarked, so a contact named later still hears in time.
        logger.warning(
            "contract %s ends in %s days but has no technical contact", contract, days_left
        )
        return 0
    contract.expiry_notices_sent = sorted({*contract.expiry_notices_sent, threshold})
    contract.save(update_fields=["expiry_notices_sent"])
    return queued


def _expiry_context(contract: Contract, user, days_left: int, sites: list[str]) -> dict:
    with translation.override(user.language):
        end_date_display = formats.date_format(contract.end_date)
    return {
        "recipient_name": user.get_short_name(),
        "reference": contract.reference,
        "holder": contract.holder.name,
        "days_left": days_left,
        "end_date": contract.end_date.isoformat(),
        "end_date_display": end_date_display,
        "sites": sites,
    }


@shared_task(name="contracts.contracts_daily", ignore_result=True)
def contracts_daily() -> dict[str, int]:
    """Mark ended contracts expired and send due expiry notices (beat, daily); safe to run twice."""
    now = timezone.now()
    expired = contracts_expire(today=contracts_expiry_day(now))
    notices = contracts_send_expiry_notices(now=now)
    return {"expired": expired, "notices": notices}
