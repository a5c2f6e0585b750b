"""Migration 0005: DRF's plaintext authtoken keys become hashed ApiTokens, then the table goes."""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib

import pytest
from django.apps import apps
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from rest_framework.test import APIClient

from portal.models.tokens import ApiToken

pytestmark = pytest.mark.django_db

migration = importlib.import_module("portal.migrations.0005_api_tokens")
OLD_KEY = "9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b"
NOW = dt.datetime(2026, 3, 2, 14, 0, tzinfo=dt.UTC)


def _run() -> None:
    # Not entered: SQLite's editor refuses to turn foreign keys off inside the test's atomic.
    migration.migrate_authtoken_keys(apps, connection.schema_editor())


def _old_authtoken_table(user) -> None:
    """Build the table as rest_framework.authtoken left it, with one key."""
    with connection.cursor() as cursor:
        cursor.execute(
            'CREATE TABLE "authtoken_token" ("key" varchar(40) NOT NULL PRIMARY KEY, '
            '"created" timestamp NOT NULL, "user_id" bigint NOT NULL UNIQUE)'
        )
        cursor.execute(
            'INSERT INTO "authtoken_token" ("key", "created", "user_id") VALUES (%s, %s, %s)',
            [OLD_KEY, "2025-06-01 09:30:00", user.pk],
        )
    MigrationRecorder(connection).record_applied("authtoken", "0001_initial")


def test_an_old_key_keeps_working_stored_only_as_its_hash(acme_agent, time_machine):
    time_machine.move_to(NOW, tick=False)
    _old_authtoken_table(acme_agent)

    _run()

    token = ApiToken.objects.get(user=acme_agent)
    assert token.name == "Migrated token"
    assert token.key_hash == hashlib.sha256(OLD_KEY.encode()).hexdigest()
    assert (token.prefix, token.scope) == ("9944b091", "read_write")
    assert token.created_at == dt.datetime(2025, 6, 1, 9, 30, tzinfo=dt.UTC)
    assert token.expires_at == NOW + dt.timedelta(days=90)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {OLD_KEY}")
    assert client.get("/api/v1/sites/").status_code == 200


def test_the_table_of_plaintext_keys_and_its_migration_records_are_dropped(acme_agent):
    _old_authtoken_table(acme_agent)

    _run()

    assert "authtoken_token" not in connection.introspection.table_names()
    assert not MigrationRecorder(connection).migration_qs.filter(app="authtoken").exists()


def test_a_fresh_database_without_the_table_is_left_alone(acme_agent):
    _run()

    assert not ApiToken.objects.exists()
