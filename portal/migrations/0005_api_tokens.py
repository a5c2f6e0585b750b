"""Named personal API tokens replace DRF's authtoken keys (issue 13).

Where the authtoken table exists (a database that ran the old code), each key becomes an
ApiToken holding only its SHA-256, named "Migrated token" and valid for the default 90 days,
so existing clients keep working; then the table of plaintext keys is dropped and its
migration records forgotten. A fresh database has no such table and skips the step. Raw SQL,
because the authtoken app is no longer installed. Going back cannot restore the keys.
"""

import datetime as dt
import hashlib

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models
from django.db.migrations.recorder import MigrationRecorder
from django.utils.dateparse import parse_datetime

AUTHTOKEN_TABLE = "authtoken_token"
MIGRATED_NAME = "Migrated token"
MIGRATED_DAYS = 90
# Old keys are 40 hex digits; 8 of them are enough to tell tokens apart in a list.
MIGRATED_PREFIX_LENGTH = 8


def _aware(value):
    if isinstance(value, str):
        value = parse_datetime(value)
    if value is not None and django.utils.timezone.is_naive(value):
        value = value.replace(tzinfo=dt.UTC)
    return value


def migrate_authtoken_keys(apps, schema_editor):
    connection = schema_editor.connection
    if AUTHTOKEN_TABLE not in connection.introspection.table_names():
        return
    with connection.cursor() as cursor:
        # Quoted as SQL says; SQLite and PostgreSQL, the two databases supported, agree.
        cursor.execute('SELECT "key", "user_id", "created" FROM "authtoken_token"')
        rows = cursor.fetchall()
    ApiToken = apps.get_model("portal", "ApiToken")
    now = django.utils.timezone.now()
    ApiToken.objects.using(connection.alias).bulk_create(
        ApiToken(
            user_id=user_id,
            name=MIGRATED_NAME,
            prefix=key[:MIGRATED_PREFIX_LENGTH],
            key_hash=hashlib.sha256(key.encode()).hexdigest(),
            scope="read_write",
            created_at=_aware(created) or now,
            expires_at=now + dt.timedelta(days=MIGRATED_DAYS),
        )
        for key, user_id, created in rows
    )
    schema_editor.execute('DROP TABLE "authtoken_token"')
    MigrationRecorder(connection).migration_qs.filter(app="authtoken").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0004_idempotency_keys"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ApiToken",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "name",
                    models.CharField(
                        help_text="What uses this token, such as “ERP sync”.",
                        max_length=100,
                        verbose_name="name",
                    ),
                ),
                ("prefix", models.CharField(editable=False, max_length=12, verbose_name="prefix")),
                (
                    "key_hash",
                    models.CharField(
                        editable=False, max_length=64, unique=True, verbose_name="key hash"
                    ),
                ),
                (
                    "scope",
                    models.CharField(
                        choices=[("read", "Read only"), ("read_write", "Read and write")],
                        default="read_write",
                        max_length=10,
                        verbose_name="scope",
                    ),
                ),
                (
                    "created_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, editable=False, verbose_name="created"
                    ),
                ),
                ("expires_at", models.DateTimeField(verbose_name="expires")),
                (
                    "last_used_at",
                    models.DateTimeField(
                        blank=True, editable=False, null=True, verbose_name="last used"
                    ),
                ),
                (
                    "revoked_at",
                    models.DateTimeField(
                        blank=True, editable=False, null=True, verbose_name="revoked"
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="api_tokens",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="user",
                    ),
                ),
            ],
            options={
                "verbose_name": "API token",
                "verbose_name_plural": "API tokens",
                "ordering": ["-created_at", "-pk"],
                "indexes": [
                    models.Index(fields=["user", "-created_at"], name="apitoken_user_created")
                ],
            },
        ),
        migrations.RunPython(migrate_authtoken_keys, migrations.RunPython.noop),
    ]
