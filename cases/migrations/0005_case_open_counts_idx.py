"""An index for the staff home's counts: open cases by status, assignee and next due instant.

The counts (cases.admin.saved_views.staff_counts) read every open case; with the three
columns in one index they are read from the index alone, not from the table's rows, which
closed cases outnumber more every year (SQLite: covering index; PostgreSQL: index-only scan).
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("cases", "0004_queue_fields_fill")]

    operations = [
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                fields=["status", "assignee", "queue_due_at"], name="case_status_assignee_due_idx"
            ),
        ),
    ]
