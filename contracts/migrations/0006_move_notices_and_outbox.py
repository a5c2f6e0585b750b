"""The outbox moves to the mail app, update notices to the notices app (issue 11).

State only: the tables stay where they are, and mail 0001 and notices 0001 rename them, so
not a row is copied or lost.
"""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('contracts', '0005_notices'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name='noticedelivery',
                    name='message',
                ),
                migrations.RemoveField(
                    model_name='noticedelivery',
                    name='notice',
                ),
                migrations.RemoveField(
                    model_name='noticedelivery',
                    name='user',
                ),
                migrations.RemoveField(
                    model_name='noticeread',
                    name='notice',
                ),
                migrations.RemoveField(
                    model_name='noticeread',
                    name='user',
                ),
                migrations.RemoveField(
                    model_name='outboxmessage',
                    name='recipient',
                ),
                migrations.RemoveField(
                    model_name='updatenotice',
                    name='created_by',
                ),
                migrations.RemoveField(
                    model_name='updatenotice',
                    name='releases',
                ),
                migrations.DeleteModel(
                    name='ContactPreference',
                ),
                migrations.DeleteModel(
                    name='NoticeDelivery',
                ),
                migrations.DeleteModel(
                    name='NoticeRead',
                ),
                migrations.DeleteModel(
                    name='OutboxMessage',
                ),
                migrations.DeleteModel(
                    name='UpdateNotice',
                ),
            ],
        ),
    ]
