"""Saved filters of the portal's case list, and the full-text indexes of its search (issue 15).

The search (portal.selectors.case_list) matches each word of the query against the case's
title and description and against the text of its public events; on PostgreSQL through
to_tsvector('simple', ...) @@ to_tsquery(...). Two GIN indexes on those same expressions let
the database find the matching rows without reading every description and comment: one on
the case table, one on the timeline limited to the rows a customer may see (public), so an
internal note is not even in the index the customer's search reads.

The indexes are built from the same Django expressions as the query (SearchVector over the
same columns with the same configuration), so their SQL matches what the planner must
recognise; keep them in step with SEARCH_CONFIG and the searched columns of the selector.
SQLite has no such index: there the search is a plain substring match, and this step is
skipped.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# portal.selectors.case_list.SEARCH_CONFIG, as it was when the indexes were made.
SEARCH_CONFIG = "simple"


def _search_indexes():
    from django.contrib.postgres.indexes import GinIndex
    from django.contrib.postgres.search import SearchVector

    return [
        (
            "Case",
            GinIndex(
                SearchVector("title", "description", config=SEARCH_CONFIG),
                name="case_text_search_idx",
            ),
        ),
        (
            "CaseEvent",
            GinIndex(
                SearchVector("body", config=SEARCH_CONFIG),
                condition=models.Q(public=True),
                name="caseevent_public_search_idx",
            ),
        ),
    ]


def add_search_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model_name, index in _search_indexes():
        schema_editor.add_index(apps.get_model("cases", model_name), index)


def remove_search_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model_name, index in _search_indexes():
        schema_editor.remove_index(apps.get_model("cases", model_name), index)


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0005_api_tokens"),
        ("cases", "0004_queue_fields_fill"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="SavedFilter",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=80, verbose_name="name")),
                ("filters", models.JSONField(blank=True, default=dict, verbose_name="filters")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created")),
                (
                    "owner",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="saved_case_filters",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="owner",
                    ),
                ),
            ],
            options={
                "verbose_name": "saved filter",
                "verbose_name_plural": "saved filters",
                "ordering": ["name", "id"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("owner", "name"), name="saved_filter_owner_name_unique"
                    )
                ],
            },
        ),
        migrations.RunPython(add_search_indexes, remove_search_indexes, elidable=False),
    ]
