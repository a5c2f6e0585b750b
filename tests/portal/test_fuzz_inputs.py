"""No input gives a 500 (issue 13): every URL, every form field, every API body field, fuzzed.

Three walks, each as anonymous, a portal admin, a viewer and a staff member with MFA:

- every URL pattern of the project (portal, cases, mail, accounts, admin, api), each path
  parameter and a set of query parameters filled with each payload;
- every form of the pages the walk reaches (found in their HTML), each field posted with each
  payload while the others keep the values the page offers;
- every POST operation of the OpenAPI schema, each field of its body sent with each payload.

A 500 is a status here, not an exception (``raise_request_exception`` off); the test fails
naming every request that got one and the exception behind it. Runs on SQLite and, in CI, on
PostgreSQL, where a NUL reaching a query was a 500.
"""

from __future__ import annotations

import json
import re
import traceback
from collections.abc import Iterator
from html.parser import HTMLParser
from urllib.parse import quote, urlencode, urlsplit

import pytest
from django.core.cache import cache
from django.core.signals import got_request_exception
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve

from tests.portal.case_pages import NOW, case_for

pytestmark = [pytest.mark.django_db, pytest.mark.fuzz]

# Text payloads, as sent in a path or query: "%ED%A0%80" is a lone surrogate encoded as UTF-8,
# which no decoder takes; the others are percent-encoded before sending.
SURROGATE = "%ED%A0%80"
PAYLOADS = [
    "\x00",
    SURROGATE,
    "x" * 10_000,
    "'\"><script>alert(1)</script>",
    "../../etc/passwd",
    "-1",
    "9" * 40,
    "%",
    "\u202etxt.exe",
]
# The portal's and the API's filters, allauth's redirect, the admin's ordering and page.
QUERY_KEYS = ("site", "product", "q", "page", "status", "next", "o", "p")
# Admin pages are many (six per model) and slow: each gets a few payloads, turning, so every
# payload still reaches every kind of admin page.
ADMIN_PAYLOADS_PER_PATTERN = 2
# Forms whose posting ends the session or the walk's footing; their fields are fuzzed elsewhere.
SKIPPED_FORM_ACTIONS = ("/accounts/logout/", "/i18n/setlang/")


# --- What went wrong -------------------------------------------------------------------


class Failures:
    """Collect each 500 with the exception behind it, to fail once naming them all."""

    def __init__(self) -> None:
        self.found: list[str] = []
        self._last: str = ""
        got_request_exception.connect(self._keep, dispatch_uid="fuzz-inputs")

    def _keep(self, sender, request=None, **kwargs) -> None:
        # The innermost frames, each line cut short: payloads are up to 10,000 characters.
        lines = traceback.format_exc(limit=-4).splitlines()
        self._last = "\n".join(line[:300] for line in lines[-16:])

    def check(self, role: str, method: str, url: str, response, sent=None) -> None:
        if response.status_code >= 500:
            shown = url if len(url) < 200 else url[:200] + "..."
            self.found.append(
                f"{role} {method} {shown} {sent or ''} -> {response.status_code}\n{self._last}"
            )
        self._last = ""

    def close(self) -> None:
        got_request_exception.disconnect(dispatch_uid="fuzz-inputs")

    def assert_none(self) -> None:
        assert not self.found, f"{len(self.found)} requests got a 500:\n\n" + "\n\n".join(
            self.found[:20]
        )


@pytest.fixture
def failures() -> Iterator[Failures]:
    found = Failures()
    yield found
    found.close()


# --- The cast ---------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _frozen(time_machine):
    """Start at NOW before the cast is built, so its contract covers NOW."""
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def world(acme, acme_site, acme_contract, acme_agent, acme_viewer, releases):
    case = case_for(
        reporter=acme_agent, organization=acme, site=acme_site, release=releases["2026"]
    )
    return {"case": case, "site": acme_site}


ROLES = ("anonymous", "acme_admin", "acme_viewer", "staff_superuser")
# A viewer's forms are a portal admin's personal ones, and the API refuses them every write.
FORM_ROLES = ("anonymous", "acme_admin", "staff_superuser")
API_ROLES = ("anonymous", "acme_admin", "staff_superuser")


def _client(role: str, request: pytest.FixtureRequest) -> Client:
    client = Client(raise_request_exception=False)
    if role != "anonymous":
        user = request.getfixturevalue(role)
        if user.is_staff:
            from allauth.mfa.totp.internal.auth import TOTP

            from tests.conftest import STAFF_TOTP_SECRET

            TOTP.activate(user, STAFF_TOTP_SECRET)
        client.force_login(user)
    return client


# --- Walk 1: every URL pattern ------------------------------------------------------------

_CONVERTER = re.compile(r"<(?:\w+:)?\w+>")
_GROUP = re.compile(r"\(\?P<\w+>(?:[^()]|\([^()]*\))*\)")


def _fill(route: str, value: str) -> str:
    """Return the route with each parameter replaced by the value (regex routes too)."""
    filled = _CONVERTER.sub(lambda _m: value, route)
    filled = _GROUP.sub(lambda _m: value, filled)
    return "/" + filled.replace("^", "").replace("$", "").replace("\\", "")


def url_patterns(patterns=None, prefix: str = "") -> Iterator[str]:
    """Yield the route of every URL pattern of the project, with its prefixes."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from url_patterns(entry.url_patterns, route)
        elif isinstance(entry, URLPattern):
            yield route


def _encoded(payload: str) -> str:
    return payload if payload == SURROGATE else quote(payload, safe="")


def _query(payload: str) -> str:
    return "&".join(f"{key}={_encoded(payload)}" for key in QUERY_KEYS)


def _payloads_for(route: str, index: int) -> list[str]:
    if not route.lstrip("^").startswith("admin/"):
        return PAYLOADS
    start = index * ADMIN_PAYLOADS_PER_PATTERN
    return [PAYLOADS[(start + i) % len(PAYLOADS)] for i in range(ADMIN_PAYLOADS_PER_PATTERN)]


def test_the_walk_reaches_every_app():
    prefixes = {route.lstrip("^").split("/")[0] for route in url_patterns()}

    assert {"admin", "accounts", "api", "cases", "sites", "email", "updates"} <= prefixes


@pytest.mark.parametrize("role", ROLES)
def test_no_url_pattern_answers_500_to_bad_parameters(role, request, world, failures):
    client = _client(role, request)
    # Admin pages stay away from everyone but staff: the redirect is all there is to see.
    staff = role.startswith("staff")
    for index, route in enumerate(url_patterns()):
        if route.lstrip("^").startswith("admin/") and not staff and index % 5:
            continue
        cache.clear()  # the walk outpaces the API's throttles and allauth's rate limits
        for payload in _payloads_for(route, index):
            url = f"{_fill(route, _encoded(payload))}?{_query(payload)}"
            failures.check(role, "GET", url, client.get(url))

    failures.assert_none()


def _admin_add_pages() -> Iterator[tuple[str, list[str]]]:
    from django.contrib import admin

    for model in admin.site._registry:
        relations = [f.name for f in model._meta.get_fields() if f.is_relation and f.concrete]
        if relations:
            yield f"/admin/{model._meta.app_label}/{model._meta.model_name}/add/", relations


def test_no_admin_add_page_answers_500_to_bad_initial_values(request, world, failures):
    """The admin fills its add form from the address; a related key it cannot hold was a 500."""
    client = _client("staff_superuser", request)
    for url, relations in _admin_add_pages():
        for payload in ("abc", "9" * 40, "-1", "1,x"):
            query = urlencode(dict.fromkeys(relations, payload))
            failures.check("staff_superuser", "GET", f"{url}?{query}", client.get(f"{url}?{query}"))

    failures.assert_none()


# --- Walk 2: every form field of the pages ------------------------------------------------


class _Forms(HTMLParser):
    """Collect each POST form of a page: its action and its fields with their first values."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[tuple[str, dict[str, str]]] = []
        self._fields: dict[str, str] | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs) -> None:
        attributes = {name: value or "" for name, value in attrs}
        name = attributes.get("name")
        if tag == "form" and attributes.get("method", "").lower() == "post":
            self._fields = {}
            self.forms.append((attributes.get("action", ""), self._fields))
        elif self._fields is None or not name:
            return
        elif tag == "input" and attributes.get("type") in ("checkbox", "radio"):
            if "checked" in attributes or name not in self._fields:
                self._fields[name] = attributes.get("value", "on")
        elif tag in ("input", "textarea"):
            self._fields.setdefault(name, attributes.get("value", ""))
        elif tag == "select":
            self._select = name
            self._fields.setdefault(name, "")
        if tag == "option" and self._select and not self._fields.get(self._select):
            self._fields[self._select] = attributes.get("value", "")

    def handle_endtag(self, tag) -> None:
        if tag == "form":
            self._fields = None
        elif tag == "select":
            self._select = None


def _pages(world) -> list[str]:
    """The pages whose forms are fuzzed: every page without a parameter, and one of each object."""
    number, code = world["case"].number, world["site"].code
    plain = [
        "/" + route
        for route in url_patterns()
        if not _CONVERTER.search(route)
        and "(?P" not in route
        and not route.startswith(("admin/", "api/", "^admin"))
    ]
    return [*plain, f"/cases/{number}/", f"/sites/{code}/", f"/updates/sites/{code}/"]


def _forms(client: Client, pages: list[str]) -> dict[tuple[str, tuple], tuple[str, dict]]:
    """Return each distinct form of the pages (URL pattern, field names): action and fields.

    One form per pattern: the role form of each team member is the same form.
    """
    found: dict[tuple[str, tuple], tuple[str, dict]] = {}
    for page in pages:
        response = client.get(page.replace("^", "").replace("$", ""))
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        parser = _Forms()
        parser.feed(response.content.decode())
        for action, fields in parser.forms:
            target = urlsplit(action).path or page
            if target.startswith(SKIPPED_FORM_ACTIONS):
                continue
            fields.pop("csrfmiddlewaretoken", None)  # the test client skips the CSRF check
            key = (resolve(target).route, tuple(sorted(fields)))
            found.setdefault(key, (target, fields))
    return found


def _form_body(fields: dict[str, str], name: str, payload: str) -> str:
    """Encode the form with the payload in one field; the surrogate goes as its raw bytes."""
    body = urlencode({**fields, name: "" if payload == SURROGATE else payload})
    if payload == SURROGATE:
        body += f"&{quote(name)}={SURROGATE}"
    return body


@pytest.mark.parametrize("role", FORM_ROLES)
def test_no_form_field_answers_500_to_bad_values(role, request, world, failures):
    client = _client(role, request)
    forms = _forms(client, _pages(world))
    assert role == "anonymous" or len(forms) >= 5, sorted(forms)
    for _key, (action, fields) in sorted(forms.items()):
        for name in fields:
            cache.clear()
            for payload in PAYLOADS:
                body = _form_body(fields, name, payload)
                response = client.post(action, body, "application/x-www-form-urlencoded")
                failures.check(role, "POST", action, response, f"{name}={payload[:20]!r}")
        if role != "anonymous":  # a posted form may have changed who is signed in
            client.force_login(request.getfixturevalue(role))

    failures.assert_none()


# --- Walk 3: every field of the API's request bodies -----------------------------------------

# A valid body per POST operation of the schema, so a payload in one field meets valid others.
# A new POST operation must get one here, or the walk fails naming it.
API_BODIES = {
    "auth_token_create": lambda world: {"email": "admin@acme.test", "password": "wrong"},
    "v1_cases_create": lambda world: {
        "site": world["site"].code,
        "release": world["case"].release_id,
        "title": "Toolpath preview freezes",
        "description": "Opening the preview freezes the workstation.",
        "proposed_priority": "P2",
    },
    "v1_cases_comments_create": lambda world: {"body": "More detail.", "public": True},
    "v1_cases_escalations_create": lambda world: {"reason": "No progress for a week."},
}
FORM_PAYLOADS = [SURROGATE, "x" * 10_000, "'\"><script>", "9" * 40]
JSON_PAYLOADS = [*PAYLOADS, -1, 9**40, 1.5e308, None, True, [], {}, ["x"], {"a": "\x00"}]


def _post_operations(client: Client) -> Iterator[tuple[str, str, list[str]]]:
    schema = json.loads(client.get("/api/schema/", {"format": "json"}).content)
    for path, operations in schema["paths"].items():
        post = operations.get("post")
        if post is None:
            continue
        content = post.get("requestBody", {}).get("content", {})
        body = content.get("application/json", {}).get("schema", {})
        ref = body.get("$ref", "")
        properties = schema["components"]["schemas"][ref.rsplit("/", 1)[-1]]["properties"]
        yield path, post["operationId"], sorted(properties)


@pytest.mark.parametrize("role", API_ROLES)
def test_no_api_body_field_answers_500_to_bad_values(role, request, world, failures):
    client = _client(role, request)
    operations = list(_post_operations(client))
    missing = [operation for _path, operation, _fields in operations if operation not in API_BODIES]
    assert not missing, f"Give these POST operations a valid body in API_BODIES: {missing}"
    for path, operation, fields in operations:
        url = path.replace("{number}", world["case"].number)
        valid = API_BODIES[operation](world)
        for name in fields:
            cache.clear()
            for payload in JSON_PAYLOADS:
                value = "\ud800" if payload == SURROGATE else payload
                body = json.dumps({**valid, name: value})
                response = client.post(url, body, content_type="application/json")
                failures.check(role, "POST", url, response, f"{name}={body[:60]}")
        # The same fields as a form, as the API also takes them (the middleware's door).
        for name in fields:
            for payload in FORM_PAYLOADS:
                body = _form_body(valid, name, payload)
                response = client.post(url, body, "application/x-www-form-urlencoded")
                failures.check(role, "POST form", url, response, f"{name}={payload[:20]!r}")

    failures.assert_none()
