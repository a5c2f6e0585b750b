"""Seal the one-time links of messages written before sealing existed (mail.services.secrets).

Unsent messages (pending, failed, sending) are sealed so they can still be delivered; any
other sensitive message still holding its body is redacted. Not reversible: the links are
one-time anyway.
"""

from django.db import migrations

UNSENT = ("pending", "failed", "sending")


def seal_contexts(apps, schema_editor):
    from mail.services.secrets import redact, seal

    OutboxMessage = apps.get_model("mail", "OutboxMessage")
    rows = OutboxMessage.objects.filter(context__has_key="sensitive").exclude(
        context__has_key="redacted"
    )
    for row in rows.iterator():
        if "sealed" in row.context:
            continue
        row.context = seal(row.context) if row.state in UNSENT else redact(row.context)
        row.save(update_fields=["context"])


class Migration(migrations.Migration):
    dependencies = [("mail", "0003_preferences_per_topic")]

    operations = [migrations.RunPython(seal_contexts, migrations.RunPython.noop)]
