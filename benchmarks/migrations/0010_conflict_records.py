"""A conflict may be about any record an import writes, not only a result: ResultConflict
becomes Conflict, naming its record; imported records keep what their source last said."""

import importlib

import django.db.models.deletion
from django.db import migrations, models

granting = importlib.import_module("benchmarks.migrations.0009_curators_conflicts_and_sources")
CURATOR_PERMISSIONS = {
    **granting.CURATOR_PERMISSIONS,
    "benchmarks": {"conflict": ("view", "change")},
}


def grant(apps, schema_editor):
    """The Curators group's permissions of 0009, by the model's new name (the test suite
    grants them again after a flush)."""
    granting.grant(apps, schema_editor, permissions=CURATOR_PERMISSIONS)


def rename_permissions(apps, schema_editor):
    """RenameModel renames the content type, not its permissions: rename them, so that
    the Curators group keeps them."""
    Permission = apps.get_model("auth", "Permission")
    alias = schema_editor.connection.alias
    for permission in Permission.objects.using(alias).filter(
        content_type__app_label="benchmarks", codename__endswith="_resultconflict"
    ):
        permission.codename = permission.codename.replace("_resultconflict", "_conflict")
        permission.name = permission.name.replace("result conflict", "conflict")
        permission.save(update_fields=["codename", "name"])


class Migration(migrations.Migration):
    dependencies = [
        ("benchmarks", "0009_curators_conflicts_and_sources"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("models_registry", "0004_source_values"),
        ("sources", "0001_initial"),
    ]

    operations = [
        migrations.RenameModel("ResultConflict", "Conflict"),
        migrations.RunPython(rename_permissions, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="conflict",
            name="ai_model",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                to="models_registry.aimodel",
                verbose_name="AI model",
            ),
        ),
        migrations.AlterField(
            model_name="conflict",
            name="benchmark",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                to="benchmarks.benchmark",
            ),
        ),
        migrations.AddField(
            model_name="conflict",
            name="content_type",
            field=models.ForeignKey(
                blank=True,
                null=True,
                help_text="Empty for a result's conflict.",
                on_delete=django.db.models.deletion.CASCADE,
                to="contenttypes.contenttype",
                verbose_name="kind of record",
            ),
        ),
        migrations.AddField(
            model_name="conflict",
            name="object_id",
            field=models.PositiveBigIntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="conflict",
            name="record_name",
            field=models.CharField(blank=True, max_length=500),
        ),
        migrations.AddField(
            model_name="benchmark",
            name="source_values",
            field=models.JSONField(blank=True, default=dict, editable=False),
        ),
    ]
