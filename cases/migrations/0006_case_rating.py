"""Customer ratings of a case's resolutions (issue 15), and their two timeline event kinds."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import common.limits


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0005_case_open_counts_idx"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="CaseRating",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("resolved_at", models.DateTimeField(verbose_name="resolution rated")),
                (
                    "score",
                    models.CharField(
                        choices=[
                            ("good", "Good, I am satisfied"),
                            ("bad", "Bad, I am not satisfied"),
                        ],
                        max_length=4,
                        verbose_name="rating",
                    ),
                ),
                (
                    "comment",
                    models.TextField(
                        blank=True,
                        validators=[common.limits.MaxCharsValidator(2000)],
                        verbose_name="comment",
                    ),
                ),
                ("rated_at", models.DateTimeField(verbose_name="rated")),
                (
                    "case",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="ratings",
                        to="cases.case",
                    ),
                ),
                (
                    "rated_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="rated by",
                    ),
                ),
            ],
            options={
                "verbose_name": "customer rating",
                "verbose_name_plural": "customer ratings",
                "ordering": ["-rated_at", "-id"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("case", "resolved_at"), name="caserating_one_per_resolution"
                    )
                ],
            },
        ),
        migrations.AlterField(
            model_name="caseevent",
            name="kind",
            field=models.CharField(
                choices=[
                    ("received", "Case received"),
                    ("comment", "Comment"),
                    ("status", "Status changed"),
                    ("priority", "Priority set"),
                    ("assignment", "Assigned"),
                    ("classification", "Classified"),
                    ("info_requested", "Information requested"),
                    ("info_received", "Information received"),
                    ("response", "First response"),
                    ("resolution", "Resolution recorded"),
                    ("reopened", "Reopened"),
                    ("closed", "Closed"),
                    ("withdrawn", "Withdrawn as out of scope"),
                    ("escalation", "Escalated"),
                    ("sla_warning", "SLA warning"),
                    ("sla_breach", "SLA breach"),
                    ("update_reminder", "Status update due"),
                    ("attachment", "Attachment added"),
                    ("rated_good", "Customer rating: satisfied"),
                    ("rated_bad", "Customer rating: not satisfied"),
                ],
                max_length=20,
                verbose_name="what",
            ),
        ),
    ]
