"""The mail app's models, moved from the contracts app with their tables and rows (issue 11).

Fresh databases too get the tables from contracts 0005 first; this migration takes them over
in the state, then renames them to the mail app's names (a rename: no row is copied).
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

MOVED = ("contactpreference", "outboxmessage",)


def _move_content_types(source: str, target: str):
    """Relabel the moved models' content types, so permissions and admin history follow."""

    def move(apps, schema_editor):
        ContentType = apps.get_model("contenttypes", "ContentType")
        types = ContentType.objects.using(schema_editor.connection.alias)
        for model in MOVED:
            if not types.filter(app_label=target, model=model).exists():
                types.filter(app_label=source, model=model).update(app_label=target)

    return move



class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('contracts', '0006_move_notices_and_outbox'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='ContactPreference',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('scheduled_updates_opt_out', models.BooleanField(default=False, help_text='Urgent update notices and policy-change notices are still sent.', verbose_name='no scheduled update notices')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated')),
                        ('user', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='contact_preference', to=settings.AUTH_USER_MODEL, verbose_name='user')),
                    ],
                    options={
                        'verbose_name': 'contact preference',
                        'verbose_name_plural': 'contact preferences',
                        'db_table': 'contracts_contactpreference',
                    },
                ),
                migrations.CreateModel(
                    name='OutboxMessage',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('idempotency_key', models.CharField(help_text='The same key is never sent twice.', max_length=200, unique=True, verbose_name='idempotency key')),
                        ('to_email', models.EmailField(max_length=254, verbose_name='recipient')),
                        ('language', models.CharField(choices=[('en', 'English'), ('fr', 'French')], max_length=8, verbose_name='language')),
                        ('template', models.CharField(max_length=100, verbose_name='template')),
                        ('context', models.JSONField(blank=True, default=dict, verbose_name='context')),
                        ('headers', models.JSONField(blank=True, default=dict, verbose_name='extra headers')),
                        ('subject', models.CharField(blank=True, max_length=300, verbose_name='subject')),
                        ('state', models.CharField(choices=[('pending', 'Pending'), ('sending', 'Sending'), ('sent', 'Sent'), ('failed', 'Failed')], default='pending', max_length=10, verbose_name='state')),
                        ('attempts', models.PositiveSmallIntegerField(default=0, verbose_name='attempts')),
                        ('last_error', models.TextField(blank=True, verbose_name='last error')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created')),
                        ('claimed_at', models.DateTimeField(blank=True, null=True, verbose_name='claimed')),
                        ('next_attempt_at', models.DateTimeField(blank=True, null=True, verbose_name='next attempt')),
                        ('sent_at', models.DateTimeField(blank=True, null=True, verbose_name='sent')),
                        ('recipient', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='recipient user')),
                    ],
                    options={
                        'verbose_name': 'outgoing email',
                        'verbose_name_plural': 'outgoing emails',
                        'db_table': 'contracts_outboxmessage',
                        'ordering': ['-created_at', '-id'],
                        'indexes': [models.Index(fields=['state', 'next_attempt_at'], name='outbox_state_due_idx')],
                    },
                ),
            ],
        ),
        migrations.AlterModelTable(name='contactpreference', table=None),
        migrations.AlterModelTable(name='outboxmessage', table=None),
        migrations.RunPython(
            _move_content_types('contracts', 'mail'), _move_content_types('mail', 'contracts')
        ),
    ]
