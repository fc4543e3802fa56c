"""Model links, the crosswalk between sources' ids for a model; curators decide their
suggestions."""

import importlib

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


granting = importlib.import_module("benchmarks.migrations.0010_conflict_records")
CURATOR_PERMISSIONS = {
    **granting.CURATOR_PERMISSIONS,
    "models_registry": {"modellink": ("view", "change")},
}


def grant(apps, schema_editor):
    """The Curators group's permissions of 0009 and 0010, and deciding suggestions (the
    test suite grants them again after a flush)."""
    granting.granting.grant(apps, schema_editor, permissions=CURATOR_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("benchmarks", "0012_ranked_results_index"),
        ("models_registry", "0004_source_values"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="aimodel",
            name="architecture",
            field=models.CharField(
                blank=True, help_text="For example LlamaForCausalLM.", max_length=100
            ),
        ),
        migrations.AddField(
            model_name="historicalaimodel",
            name="architecture",
            field=models.CharField(
                blank=True, help_text="For example LlamaForCausalLM.", max_length=100
            ),
        ),
        migrations.CreateModel(
            name="ModelLink",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "scheme",
                    models.CharField(
                        help_text="Whose ids these are, for example every-eval-ever.", max_length=50
                    ),
                ),
                ("external_id", models.CharField(max_length=300, verbose_name="id")),
                (
                    "how",
                    models.CharField(
                        choices=[
                            ("same", "Same developer and name"),
                            ("own", "A model of its own"),
                            ("curators", "Linked by curators"),
                        ],
                        max_length=8,
                    ),
                ),
                (
                    "suggestion",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("", "None"),
                            ("open", "To decide"),
                            ("accepted", "Accepted"),
                            ("rejected", "Rejected"),
                        ],
                        default="",
                        max_length=8,
                    ),
                ),
                ("decided_at", models.DateTimeField(blank=True, null=True)),
                (
                    "ai_model",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="links",
                        to="models_registry.aimodel",
                        verbose_name="AI model",
                    ),
                ),
                (
                    "decided_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "suggested",
                    models.ForeignKey(
                        blank=True,
                        help_text="Another developer's model with the same name: perhaps the same model.",
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="suggested_links",
                        to="models_registry.aimodel",
                        verbose_name="suggested model",
                    ),
                ),
            ],
            options={
                "verbose_name": "model link",
                "ordering": ["scheme", "external_id"],
                "indexes": [
                    models.Index(fields=["suggestion", "scheme"], name="modellink_suggestion_idx")
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("scheme", "external_id"), name="modellink_scheme_id_unique"
                    )
                ],
            },
        ),
        migrations.RunPython(grant, migrations.RunPython.noop),
    ]
