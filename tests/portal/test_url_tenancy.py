"""Every portal URL that names an object answers 404 to people of other tenants (issue 6).

The test walks the whole URL configuration. A pattern with a parameter (``<code>``,
``<number>``, ``<int:pk>``...) outside admin/, accounts/, api/, i18n/ and static files must be
registered below, or the suite fails naming it. To cover a new pattern, add a factory:

    @covers("cases:detail")
    def _case(world: World) -> dict:
        case = CaseFactory(organization=world.organization, site=world.site)
        return {"number": case.number}

The factory creates an object of tenant A (Acme) and returns the URL kwargs. The test then
proves that Acme's admin reaches it (so the 404 below is not just a missing object) and that
the admins of two other tenants (a direct customer, a partner serving someone else) get 404.
``covers(name, method="post", data={...})`` probes a POST-only action the same way.
A pattern that is public by design (a signed token, a checksum) goes in PUBLIC_URLS with the
reason.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

pytestmark = pytest.mark.django_db

# Mounted apps with their own access rules and tests.
EXCLUDED_PREFIXES = ("admin/", "accounts/", "api/", "i18n/", "static/", "media/", "__debug__/")

# Pattern name -> why anyone may open it.
PUBLIC_URLS: dict[str, str] = {
    "portal:brand_css": "a brand's colours, named by checksum; the sign-in page needs it",
    "portal:brand_logo": "a brand's logo under a random name; the sign-in page shows it",
    "updates_unsubscribe": "authorised by the signed token in the address, not by a session",
    "mail_unsubscribe": "authorised by the signed token in the address, not by a session",
}


@dataclass
class World:
    """Tenant A, whose objects the factories create; `fixture` reaches any pytest fixture."""

    organization: Any
    admin: Any
    site: Any
    request: pytest.FixtureRequest

    def fixture(self, name: str) -> Any:
        return self.request.getfixturevalue(name)


@dataclass(frozen=True)
class Probe:
    make: Callable[[World], dict]
    method: str = "get"
    data: dict = field(default_factory=dict)


OBJECT_URLS: dict[str, Probe] = {}


def covers(name: str, *, method: str = "get", data: dict | None = None):
    """Register the factory of a URL pattern name ("namespace:name")."""

    def register(make: Callable[[World], dict]) -> Callable[[World], dict]:
        assert name not in OBJECT_URLS, f"{name} is registered twice"
        OBJECT_URLS[name] = Probe(make, method, data or {})
        return make

    return register


# --- Registered patterns ---------------------------------------------------------------


@covers("portal:site_detail")
def _site(world: World) -> dict:
    return {"code": world.site.code}


def _member(world: World) -> dict:
    from tests.factories import MembershipFactory

    return {"pk": MembershipFactory(organization=world.organization, role="agent").pk}


covers("portal:member_role", method="post", data={"role": "viewer"})(_member)
covers("portal:member_contact", method="post", data={"is_technical_contact": "on"})(_member)
covers("portal:member_deactivate", method="post")(_member)


@covers("portal:api_token_revoke", method="post")
def _api_token(world: World) -> dict:
    from portal.services.tokens import token_create

    token, _key = token_create(world.admin, name="ERP sync")
    return {"pk": token.pk}


@covers("updates_detail")
def _update_notice(world: World) -> dict:
    from django.utils import timezone

    from contracts.models import SiteRelease
    from notices.models import UpdateNotice

    release = world.fixture("release_2026")
    SiteRelease.objects.create(site=world.site, release=release)
    notice = UpdateNotice.objects.create(
        kind=UpdateNotice.Kind.URGENT,
        status=UpdateNotice.Status.SENT,
        title_en="Fix",
        title_fr="Correctif",
        body_en="Apply it.",
        body_fr="Appliquez-le.",
        published_at=timezone.now(),
    )
    notice.releases.add(release)
    return {"pk": notice.pk}


@covers("updates_site_releases")
def _site_releases(world: World) -> dict:
    return {"code": world.site.code}


@covers("updates_site_release_delete", method="post")
def _site_release(world: World) -> dict:
    from contracts.models import SiteRelease

    run = SiteRelease.objects.create(site=world.site, release=world.fixture("release_2026"))
    return {"code": world.site.code, "pk": run.pk}


@covers("cases:attachment_download")
def _attachment(world: World) -> dict:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from cases.services import case_attach, case_open

    world.fixture("acme_contract")
    reporter = world.fixture("acme_agent")
    case = case_open(
        reporter=reporter,
        organization=world.organization,
        site=world.site,
        release=world.fixture("release_2026"),
        title="Post-processor output stops",
        description="Posting stops after 200 lines.",
        proposed_priority="P3",
        channel="portal",
    )
    attachment = case_attach(
        case=case, by=reporter, file=SimpleUploadedFile("log.txt", b"line 1\n", "text/plain")
    )
    return {"pk": attachment.pk}


# The case pages (portal/views/cases_urls.py): each action probed on a case in the state
# where the action applies, so the owner's 302 proves the stranger's 404 is tenancy.


def _acme_case(world: World, state: str = "new"):
    from tests.portal.case_pages import case_for, resolved, waiting

    world.fixture("acme_contract")
    case = case_for(
        reporter=world.fixture("acme_agent"),
        organization=world.organization,
        site=world.site,
        release=world.fixture("release_2026"),
    )
    moves = {"new": lambda c, staff: c, "waiting": waiting, "resolved": resolved}
    return moves[state](case, world.fixture("staff_agent"))


class _ProbeUpload:
    """A file the test client can read for each of the probe's requests."""

    name = "probe.log"
    content_type = "text/plain"

    def read(self) -> bytes:
        return b"line 1\n"


def _case_number(world: World) -> dict:
    return {"number": _acme_case(world).number}


covers("cases:detail")(_case_number)
covers("cases:comment", method="post", data={"body": "More detail."})(_case_number)
covers("cases:escalate", method="post", data={"reason": "No progress."})(_case_number)
covers("cases:attach", method="post", data={"files": _ProbeUpload()})(_case_number)
covers("cases:finish", method="post", data={"outcome": "withdrawn"})(_case_number)


@covers("cases:information", method="post", data={"body": "The log."})
def _waiting_case(world: World) -> dict:
    return {"number": _acme_case(world, "waiting").number}


def _resolved_case(world: World) -> dict:
    return {"number": _acme_case(world, "resolved").number}


covers("cases:reopen", method="post", data={"reason": "Not fixed."})(_resolved_case)
covers("cases:close", method="post")(_resolved_case)
covers("cases:rate", method="post", data={"score": "good"})(_resolved_case)


@covers("cases:filter_delete", method="post")
def _saved_filter(world: World) -> dict:
    """A saved filter of the case list is its owner's alone (issue 15)."""
    from portal.services.saved_filters import saved_filter_save

    saved, _created = saved_filter_save(
        owner=world.admin, name="Closed", filters={"status": "closed"}
    )
    return {"pk": saved.pk}


# --- The walk ---------------------------------------------------------------------------


def _parameters(pattern) -> set[str]:
    if hasattr(pattern, "converters"):
        return set(pattern.converters)
    return set(pattern.regex.groupindex)


def object_patterns(
    patterns=None, prefix: str = "", namespace: str = "", inherited: frozenset = frozenset()
) -> Iterator[tuple[str, str | None]]:
    """Yield (route, name) of every pattern taking a parameter, outside the excluded prefixes."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(entry.pattern)
        if route.lstrip("^").startswith(EXCLUDED_PREFIXES):
            continue
        parameters = inherited | _parameters(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = ":".join(filter(None, [namespace, entry.namespace or ""]))
            yield from object_patterns(entry.url_patterns, route, inner, parameters)
        elif isinstance(entry, URLPattern) and parameters:
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            yield route, name


def test_every_object_url_has_a_tenancy_probe():
    """A new URL pattern without a registered factory fails here, named."""
    missing = [
        f"{name or '(unnamed)'} at /{route}"
        for route, name in object_patterns()
        if name not in OBJECT_URLS and name not in PUBLIC_URLS
    ]

    assert not missing, (
        "These URL patterns take an object but have no tenancy probe; register a factory "
        "with @covers(...) in tests/portal/test_url_tenancy.py: " + "; ".join(missing)
    )


def test_every_registered_name_is_a_real_pattern():
    """A renamed pattern must not leave a probe that tests nothing."""
    names = {name for _route, name in object_patterns()}

    stale = sorted(set(OBJECT_URLS) - names) + sorted(set(PUBLIC_URLS) - names)

    assert not stale, f"Registered but no such object URL pattern: {stale}"


def test_the_walk_finds_nested_namespaced_patterns():
    names = {name for _route, name in object_patterns()}

    assert "portal:site_detail" in names
    assert not any(re.match(r"^/?(admin|accounts)/", route) for route, _ in object_patterns())


def _request(client: Client, probe: Probe, url: str):
    if probe.method == "post":
        return client.post(url, probe.data)
    return client.get(url)


@pytest.fixture
def world(request, acme, acme_site, acme_admin) -> World:
    return World(organization=acme, admin=acme_admin, site=acme_site, request=request)


@pytest.mark.parametrize("other", ["globex_admin", "partner_admin"])
@pytest.mark.parametrize("name", sorted(OBJECT_URLS))
def test_other_tenants_get_404(name, other, world, request, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    probe = OBJECT_URLS[name]
    url = reverse(name, kwargs=probe.make(world))
    owner, stranger = Client(), Client()
    owner.force_login(world.admin)
    stranger.force_login(request.getfixturevalue(other))

    assert _request(stranger, probe, url).status_code == 404
    assert _request(owner, probe, url).status_code in (200, 302)
