"""The optional columns site_release, site_patch and site_seats: what each site runs (SLP-2).

A row naming a site may say which release it runs (such as 2026), at which patch level
(2026.1, a patch of that release) and with how many seats. The import adds or updates these
records; a release the file does not mention stays recorded.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from contracts.models import Patch, Release, Site, SiteRelease
from contracts.services.imports.existing import CHUNK
from contracts.services.imports.reading import OPTIONAL_COLUMNS, RawRow, RowError

DEFAULT_SEATS = 1
MAX_SEATS = 1_000_000


@dataclass(frozen=True)
class SiteReleaseSpec:
    """What the file says a site runs, from its first row about that (site, release)."""

    site_code: str
    release: str
    patch: str
    seats: int
    line: int


def site_releases_collect(
    raw_rows: list[RawRow],
) -> tuple[dict[tuple[str, str], SiteReleaseSpec], list[RowError]]:
    """Read the optional columns of every row; rows about one site release must agree."""
    specs: dict[tuple[str, str], SiteReleaseSpec] = {}
    errors: list[RowError] = []
    for raw in raw_rows:
        spec, row_errors = _parse(raw)
        errors += row_errors
        if spec is None:
            continue
        first = specs.setdefault((spec.site_code, spec.release), spec)
        if (first.patch, first.seats) != (spec.patch, spec.seats):
            message = _(
                "site %(site)s runs release %(release)s with patch “%(patch)s” and %(seats)d "
                "seats on line %(line)d; rows about the same site release must agree"
            ) % {
                "site": spec.site_code,
                "release": spec.release,
                "patch": first.patch,
                "seats": first.seats,
                "line": first.line,
            }
            errors.append(RowError(raw.line, "site_release", message))
    return specs, errors


def _parse(raw: RawRow) -> tuple[SiteReleaseSpec | None, list[RowError]]:
    values = {column: raw.values.get(column, "") for column in OPTIONAL_COLUMNS}
    if not any(values.values()):
        return None, []
    errors = []
    if not raw.values["site_code"]:
        errors.append(RowError(raw.line, "site_code", _("a site release needs the site_code")))
    if not values["site_release"]:
        message = _("site_patch and site_seats need the site_release they belong to")
        errors.append(RowError(raw.line, "site_release", message))
    seats = DEFAULT_SEATS
    if values["site_seats"]:
        if values["site_seats"].isdigit() and int(values["site_seats"]) <= MAX_SEATS:
            seats = int(values["site_seats"])
        else:
            message = _("“%(value)s” is not a number of seats (a whole number such as 5)")
            errors.append(
                RowError(raw.line, "site_seats", message % {"value": values["site_seats"]})
            )
    if errors:
        return None, errors
    spec = SiteReleaseSpec(
        raw.values["site_code"], values["site_release"], values["site_patch"], seats, raw.line
    )
    return spec, []


@dataclass
class _Known:
    """The releases and patches the file names, by version."""

    releases: dict[str, list[Release]]
    patches: dict[tuple[int, str], Patch]


def _known(specs: dict[tuple[str, str], SiteReleaseSpec]) -> _Known:
    versions = {spec.release for spec in specs.values()}
    releases: dict[str, list[Release]] = defaultdict(list)
    for release in Release.objects.filter(version__in=versions).select_related("product"):
        releases[release.version].append(release)
    patch_versions = {spec.patch for spec in specs.values() if spec.patch}
    patches = {
        (patch.release_id, patch.version): patch
        for patch in Patch.objects.filter(version__in=patch_versions)
    }
    return _Known(releases=dict(releases), patches=patches)


def site_releases_check(specs: dict[tuple[str, str], SiteReleaseSpec]) -> list[RowError]:
    """Refuse a release or patch the portal does not know, or a version several products share."""
    known = _known(specs)
    errors = []
    for spec in specs.values():
        matches = known.releases.get(spec.release, [])
        if not matches:
            message = _("unknown release “%(release)s”: no product has a release of that version")
            errors.append(RowError(spec.line, "site_release", message % {"release": spec.release}))
        elif len(matches) > 1:
            message = _(
                "release “%(release)s” exists for several products (%(products)s); "
                "the import cannot tell which one the site runs"
            ) % {
                "release": spec.release,
                "products": ", ".join(sorted(r.product.name for r in matches)),
            }
            errors.append(RowError(spec.line, "site_release", message))
        elif spec.patch and (matches[0].pk, spec.patch) not in known.patches:
            message = _("unknown patch “%(patch)s” of release %(release)s") % {
                "patch": spec.patch,
                "release": matches[0],
            }
            errors.append(RowError(spec.line, "site_patch", message))
    return errors


def site_releases_write(
    specs: dict[tuple[str, str], SiteReleaseSpec],
) -> dict[str, int]:
    """Create or update the site releases of a checked file (sites written first); count them."""
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    if not specs:
        return counts
    known = _known(specs)
    now = timezone.now()
    sites = _sites(specs)
    stored = _stored(sites)
    new, changed = [], []
    for spec in specs.values():
        release = known.releases[spec.release][0]
        patch = known.patches.get((release.pk, spec.patch)) if spec.patch else None
        # Every site of the file exists by now: the import wrote them just before.
        site = sites[spec.site_code]
        current = stored.get((site.pk, release.pk))
        if current is None:
            counts["created"] += 1
            new.append(SiteRelease(site=site, release=release, patch=patch, seats=spec.seats))
        elif (current.patch_id, current.seats) == (patch.pk if patch else None, spec.seats):
            counts["unchanged"] += 1
        else:
            counts["updated"] += 1
            current.patch, current.seats, current.updated_at = patch, spec.seats, now
            changed.append(current)
    SiteRelease.objects.bulk_create(new)
    SiteRelease.objects.bulk_update(changed, ["patch", "seats", "updated_at"])
    return counts


def _sites(specs: dict[tuple[str, str], SiteReleaseSpec]) -> dict[str, Site]:
    codes = sorted({spec.site_code for spec in specs.values()})
    sites = {}
    for start in range(0, len(codes), CHUNK):
        chunk = codes[start : start + CHUNK]
        sites.update((site.code, site) for site in Site.objects.filter(code__in=chunk))
    return sites


def _stored(sites: dict[str, Site]) -> dict[tuple[int, int], SiteRelease]:
    ids = [site.pk for site in sites.values()]
    stored = {}
    for start in range(0, len(ids), CHUNK):
        rows = SiteRelease.objects.filter(site_id__in=ids[start : start + CHUNK])
        stored.update(((row.site_id, row.release_id), row) for row in rows)
    return stored
