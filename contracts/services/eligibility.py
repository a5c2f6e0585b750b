"""May this case be filed under the CONNECT policy? (SLP-1, SLP-2, SLP-3, SLP-16)"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils import formats, timezone
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from contracts.models import Contract, Organization, Release, Site
from contracts.services.releases import SupportStatus, support_statuses


class ReasonCode(models.TextChoices):
    """Machine-readable reasons a case is not covered; API clients rely on these values."""

    ORGANIZATION_SUSPENDED = "organization_suspended", _("Organisation suspended")
    END_CUSTOMER = "end_customer", _("End customer of a partner")
    NOT_ENTITLED = "not_entitled", _("Not entitled to this site")
    NO_ACTIVE_CONTRACT = "no_active_contract", _("No active contract")
    RELEASE_UNSUPPORTED = "release_unsupported", _("Release unsupported")
    RELEASE_UPCOMING = "release_upcoming", _("Release not yet available")


@dataclass(frozen=True)
class Reason:
    """One reason a case is not covered; message and next_step are lazy strings."""

    code: str
    message: str
    next_step: str


@dataclass(frozen=True)
class Eligibility:
    """The answer of eligibility_check: eligible, or why not and what to do."""

    eligible: bool
    reasons: tuple[Reason, ...] = ()
    site_date: dt.date | None = None
    contract: Contract | None = None
    release_status: SupportStatus | None = None

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(reason.code for reason in self.reasons)


def _render(template: Any, params: dict[str, Any]) -> str:
    values = {
        key: formats.date_format(value) if isinstance(value, dt.date) else str(value)
        for key, value in params.items()
    }
    return (str(template) % values).strip()


# Interpolated at render time, so a Reason built once reads in each reader's language.
_render_lazy = lazy(_render, str)


def _text(template: Any, **params: Any) -> str:
    return _render_lazy(template, params)


def eligibility_check(
    *, organization: Organization, site: Site, release: Release, at: dt.datetime
) -> Eligibility:
    """Tell whether the organisation may file a covered case for the site and release at an instant.

    Contract dates are read in the site's time zone: a contract ending today
    (site time) still covers the whole of today. At most four queries.
    """
    if timezone.is_naive(at):
        raise ValueError("eligibility_check needs an aware datetime")
    site_day = at.astimezone(zoneinfo.ZoneInfo(site.time_zone)).date()
    contracts = list(Contract.objects.filter(sites=site))
    covering = next((c for c in contracts if c.covers_day(site_day)), None)
    release_status, release_reasons = _release_reasons(release, site_day)
    reasons = (
        *_organization_reasons(organization, site),
        *_entitlement_reasons(organization, site, covering),
        *_contract_reasons(site, site_day, contracts, covering),
        *release_reasons,
    )
    return Eligibility(
        eligible=not reasons,
        reasons=reasons,
        site_date=site_day,
        contract=covering,
        release_status=release_status,
    )


def _organization_reasons(organization: Organization, site: Site) -> list[Reason]:
    reasons = []
    suspended = [organization]
    if site.organization_id != organization.pk:
        suspended.append(site.organization)
    for org in suspended:
        if org.status == Organization.Status.SUSPENDED:
            reasons.append(
                Reason(
                    ReasonCode.ORGANIZATION_SUSPENDED,
                    _text(_("The account of %(org)s is suspended."), org=org.name),
                    _text(_("Contact your CONNECT account manager to restore the account.")),
                )
            )
    if organization.kind == Organization.Kind.END_CUSTOMER:
        partner = organization.partner.name if organization.partner_id else "?"
        reasons.append(
            Reason(
                ReasonCode.END_CUSTOMER,
                _text(
                    _(
                        "%(org)s is supported through its partner %(partner)s, not directly (SLP-1)."
                    ),
                    org=organization.name,
                    partner=partner,
                ),
                _text(_("Ask %(partner)s to file this case for you."), partner=partner),
            )
        )
    return reasons


def _entitlement_reasons(
    organization: Organization, site: Site, covering: Contract | None
) -> list[Reason]:
    owner = site.organization
    if organization.pk in (owner.pk, owner.partner_id):
        return []
    if covering is not None and covering.holder_id == organization.pk:
        return []
    # The owner is not named: the submitter may not be allowed to know it.
    return [
        Reason(
            ReasonCode.NOT_ENTITLED,
            _text(
                _(
                    "%(org)s neither holds the CONNECT contract of site %(site)s "
                    "nor serves the site's organisation as its partner."
                ),
                org=organization.name,
                site=site.code,
            ),
            _text(_("Choose one of your own sites, or ask the site's organisation to file.")),
        )
    ]


def _contract_reasons(
    site: Site, site_day: dt.date, contracts: list[Contract], covering: Contract | None
) -> list[Reason]:
    if covering is not None:
        return []
    live = [c for c in contracts if c.status != Contract.Status.CANCELLED]
    upcoming = min((c for c in live if c.start_date > site_day), key=_start, default=None)
    ended = max((c for c in live if c.end_date < site_day), key=_end, default=None)
    if upcoming is not None:
        detail = _text(
            _("Contract %(ref)s only starts on %(start)s."),
            ref=upcoming.reference,
            start=upcoming.start_date,
        )
    elif ended is not None:
        detail = _text(
            _("Its last contract, %(ref)s, ended on %(end)s."),
            ref=ended.reference,
            end=ended.end_date,
        )
    else:
        detail = ""
    message = _text(
        _("Site %(site)s has no active CONNECT contract on %(day)s (site time). %(detail)s"),
        site=site.code,
        day=site_day,
        detail=detail,
    )
    next_step = _text(
        _(
            "Renew the site's CONNECT contract (through your partner if you have one), then file again."
        )
    )
    return [Reason(ReasonCode.NO_ACTIVE_CONTRACT, message, next_step)]


def _start(contract: Contract) -> dt.date:
    return contract.start_date


def _end(contract: Contract) -> dt.date:
    return contract.end_date


def _release_reasons(release: Release, site_day: dt.date) -> tuple[SupportStatus, list[Reason]]:
    siblings = list(Release.objects.filter(product_id=release.product_id).select_related("product"))
    statuses = support_statuses(siblings, on=site_day)
    status = statuses[release.pk]
    product = siblings[0].product.name
    by_status = {statuses[r.pk]: r.version for r in siblings}
    if status == SupportStatus.UNSUPPORTED:
        params = {
            "product": product,
            "version": release.version,
            "current": by_status[SupportStatus.CURRENT],
            "previous": by_status[SupportStatus.PREVIOUS],
        }
        message = _(
            "%(product)s %(version)s is no longer supported: only the current release "
            "(%(current)s) and the previous one (%(previous)s) are covered (SLP-2)."
        )
        next_step = _("Upgrade to %(product)s %(current)s, then file again.")
        code = ReasonCode.RELEASE_UNSUPPORTED
    elif status == SupportStatus.UPCOMING:
        params = {"product": product, "version": release.version, "date": release.release_date}
        message = _("%(product)s %(version)s is not released yet (due on %(date)s).")
        next_step = _("Choose the release installed at the site.")
        code = ReasonCode.RELEASE_UPCOMING
    else:
        return status, []
    return status, [Reason(code, _text(message, **params), _text(next_step, **params))]
