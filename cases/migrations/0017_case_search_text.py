"""The case search's columns (cases/models/search.py), filled for every case there is; on PostgreSQL
the GIN index over the bigrams; and the indexes of the lists' default orders."""

from django.db import migrations, models

import cases.models.search

GIN_INDEX = "cases_case_search_grams_gin"


def fill(apps, schema_editor):
    from cases.models.search import refresh_case_search

    model = apps.get_model("cases", "DisposalCase")
    cases = model._base_manager.using(schema_editor.connection.alias)
    ids = list(cases.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), 2000):
        batch = ids[start : start + 2000]
        refresh_case_search(cases.filter(pk__gte=batch[0], pk__lte=batch[-1]))


def create_gin_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        column = cases.models.search.GRAMS_ARRAY_SQL.format(column="search_grams")
        schema_editor.execute(f"CREATE INDEX {GIN_INDEX} ON cases_disposalcase USING gin (({column}))")


def drop_gin_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {GIN_INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0016_stored_deadlines"),
    ]

    operations = [
        migrations.AddField(
            model_name="disposalcase",
            name="search_text",
            field=models.TextField(blank=True, default="", editable=False, verbose_name="search text"),
        ),
        migrations.AddField(
            model_name="disposalcase",
            name="search_grams",
            field=cases.models.search.GramsField(
                blank=True, default="", editable=False, verbose_name="search bigrams"
            ),
        ),
        migrations.AddIndex(
            model_name="disposalcase",
            index=models.Index(fields=["-opened_on", "-number", "id"], name="cases_case_list_order_idx"),
        ),
        migrations.AddIndex(
            model_name="enterprise",
            index=models.Index(fields=["name", "id"], name="cases_enterprise_name_idx"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.RunPython(create_gin_index, drop_gin_index),
    ]
