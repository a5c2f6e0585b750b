"""The notices app's models, moved from the contracts app with their tables and rows (issue 11).

Fresh databases too get the tables from contracts 0005 first; this migration takes them over
in the state, then renames them to the notices app's names (a rename: no row is copied).
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

MOVED = ("updatenotice", "noticeread", "noticedelivery",)


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
        ('mail', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='UpdateNotice',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('scheduled', 'Scheduled update'), ('urgent', 'Urgent security or functional fix')], max_length=10, verbose_name='kind')),
                        ('status', models.CharField(choices=[('draft', 'Draft'), ('scheduled', 'Scheduled'), ('publishing', 'Sending'), ('sent', 'Sent')], default='draft', editable=False, max_length=10, verbose_name='status')),
                        ('title_en', models.CharField(max_length=200, verbose_name='title (English)')),
                        ('title_fr', models.CharField(blank=True, max_length=200, verbose_name='title (French)')),
                        ('body_en', models.TextField(verbose_name='body (English)')),
                        ('body_fr', models.TextField(blank=True, verbose_name='body (French)')),
                        ('links', models.TextField(blank=True, help_text='One per line: an address, or a label, a “|” and the address.', verbose_name='links')),
                        ('publish_at', models.DateTimeField(blank=True, help_text='When a scheduled update notice goes out; urgent notices go out at once.', null=True, verbose_name='publish at')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created')),
                        ('published_at', models.DateTimeField(blank=True, editable=False, null=True, verbose_name='published at')),
                        ('sent_at', models.DateTimeField(blank=True, editable=False, null=True, verbose_name='all messages queued at')),
                        ('recipients_count', models.PositiveIntegerField(editable=False, null=True, verbose_name='recipients')),
                        ('sites_count', models.PositiveIntegerField(editable=False, null=True, verbose_name='affected sites')),
                        ('created_by', models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='written by')),
                        ('releases', models.ManyToManyField(help_text='Only the current and previous release of a product get updates (SLP-2).', related_name='update_notices', to='contracts.release', verbose_name='affected releases')),
                    ],
                    options={
                        'verbose_name': 'update notice',
                        'verbose_name_plural': 'update notices',
                        'db_table': 'contracts_updatenotice',
                        'ordering': ['-created_at', '-id'],
                    },
                ),
                migrations.CreateModel(
                    name='NoticeRead',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('read_at', models.DateTimeField(auto_now_add=True, verbose_name='read at')),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='notice_reads', to=settings.AUTH_USER_MODEL, verbose_name='user')),
                        ('notice', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='reads', to='notices.updatenotice', verbose_name='notice')),
                    ],
                    options={
                        'verbose_name': 'notice read',
                        'verbose_name_plural': 'notice reads',
                        'db_table': 'contracts_noticeread',
                    },
                ),
                migrations.CreateModel(
                    name='NoticeDelivery',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('sites', models.JSONField(default=list, verbose_name='affected sites')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created')),
                        ('message', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='notice_delivery', to='mail.outboxmessage', verbose_name='email')),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='notice_deliveries', to=settings.AUTH_USER_MODEL, verbose_name='recipient')),
                        ('notice', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='deliveries', to='notices.updatenotice', verbose_name='notice')),
                    ],
                    options={
                        'verbose_name': 'notice delivery',
                        'verbose_name_plural': 'notice deliveries',
                        'db_table': 'contracts_noticedelivery',
                        'ordering': ['notice', 'user_id'],
                    },
                ),
                migrations.AddIndex(
                    model_name='updatenotice',
                    index=models.Index(fields=['status', 'publish_at'], name='notice_status_publish_idx'),
                ),
                migrations.AddConstraint(
                    model_name='noticeread',
                    constraint=models.UniqueConstraint(fields=('notice', 'user'), name='notice_read_once'),
                ),
                migrations.AddConstraint(
                    model_name='noticedelivery',
                    constraint=models.UniqueConstraint(fields=('notice', 'user'), name='notice_delivery_once'),
                ),
            ],
        ),
        migrations.AlterModelTable(name='updatenotice', table=None),
        migrations.AlterModelTable(name='noticeread', table=None),
        migrations.AlterModelTable(name='noticedelivery', table=None),
        migrations.RunPython(
            _move_content_types('contracts', 'notices'), _move_content_types('notices', 'contracts')
        ),
    ]
