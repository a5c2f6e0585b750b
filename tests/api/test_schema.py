"""OpenAPI 3 at /api/schema/, documentation at /api/docs/; the schema shows no internal field."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db

INTERNAL = ("sla_next_warn_at", "sla_next_due_at", "next_update_due_at", "policy_version")


@pytest.fixture
def schema(anon) -> dict:
    response = anon.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return json.loads(response.content)


def test_the_schema_generates_and_validates_without_a_warning(tmp_path):
    target = tmp_path / "schema.yaml"

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))

    assert target.read_text().startswith("openapi: 3.")


def test_the_schema_names_every_resource_of_the_contract(schema):
    assert schema["openapi"].startswith("3.")
    assert {
        "/api/v1/auth/token/",
        "/api/v1/cases/",
        "/api/v1/cases/{number}/",
        "/api/v1/cases/{number}/comments/",
        "/api/v1/cases/{number}/escalations/",
        "/api/v1/sites/",
        "/api/v1/sites/{code}/",
        "/api/v1/contracts/",
        "/api/v1/contracts/{reference}/",
        "/api/v1/releases/",
        "/api/v1/releases/{id}/",
        "/api/v1/eligibility/",
    } <= set(schema["paths"])


def test_only_obtaining_a_token_needs_no_credentials(schema):
    open_operations = [
        (path, method)
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if {"tokenAuth": []} not in operation.get("security", [])
    ]

    assert open_operations == [("/api/v1/auth/token/", "post")]


def test_the_schema_shows_no_internal_field_and_no_internal_note(schema):
    text = json.dumps(schema)

    for field in INTERNAL:
        assert field not in text
    for component in ("CaseList", "CaseDetail"):
        assert "assignee" not in schema["components"]["schemas"][component]["properties"]
    assert '"public": false' not in text


def test_the_docs_page_is_served_without_the_portals_strict_policy(anon):
    """Redoc loads its viewer from a CDN, which the portal's script-src 'self' would block."""
    response = anon.get("/api/docs/")

    assert response.status_code == 200
    assert b"redoc" in response.content.lower()
    assert "script-src 'self';" not in response.get("Content-Security-Policy", "")
