"""Beat's stored schedule follows the tasks that moved beside their services (issue 11).

django-celery-beat keeps each periodic task's name in its table; a row still naming a task
that no longer exists would make beat send work no worker knows.
"""

from django.db import migrations

RENAMED = {
    "contracts.tasks.outbox_flush": "mail.outbox_flush",
    "contracts.tasks.notices_publish_due": "notices.notices_publish_due",
    "contracts.tasks.contracts_daily": "contracts.contracts_daily",
    "cases.tasks.sla_sweep": "cases.sla_sweep",
}


def _rename(mapping: dict[str, str]):
    def rename(apps, schema_editor):
        PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
        tasks = PeriodicTask.objects.using(schema_editor.connection.alias)
        for old, new in mapping.items():
            tasks.filter(task=old).update(task=new)

    return rename


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0002_default_brand"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.RunPython(
            _rename(RENAMED), _rename({new: old for old, new in RENAMED.items()})
        ),
    ]
