"""Each imported organization, model, offering and benchmark remembers what its source last
said (its last import's history record), so that a correction a curator made before this
release is not undone by the next import. Licences and providers keep no history: the next
import takes their values as the source's, as it did before."""

import datetime
from decimal import Decimal

from django.db import migrations

# As the code of this release names them (benchmarks.changelog, ingest.services).
IMPORT_REASON = "LLM Stats import"
IMPORTED_FIELDS = {
    ("models_registry", "Organization"): ("name", "website", "country", "description"),
    ("benchmarks", "Benchmark"): (
        "name",
        "description",
        "modality",
        "multilingual",
        "language",
        "max_score",
        "paper_url",
        "implementation_url",
        "parent_id",
    ),
    ("models_registry", "AIModel"): (
        "name",
        "organization_id",
        "license_id",
        "description",
        "release_date",
        "release_date_precision",
        "announcement_date",
        "announcement_date_precision",
        "knowledge_cutoff",
        "knowledge_cutoff_precision",
        "parameter_count",
        "training_tokens",
        "input_context_length",
        "output_context_length",
        "multimodal",
        "paper_url",
        "weights_url",
        "repository_url",
        "api_docs_url",
        "playground_url",
        "announcement_url",
        "fine_tuned_from_id",
    ),
    ("models_registry", "Offering"): (
        "provider_model_name",
        "input_usd_per_million",
        "output_usd_per_million",
        "throughput",
        "latency",
        "quantization",
        "max_input_tokens",
        "max_output_tokens",
        "supports_web_search",
        "supports_function_calling",
        "supports_structured_output",
        "supports_code_execution",
        "supports_batch_inference",
        "supports_finetuning",
        "input_text",
        "input_image",
        "input_audio",
        "input_video",
        "output_text",
        "output_image",
        "output_audio",
        "output_video",
        "deprecated_at",
    ),
}


def text(value):
    """benchmarks.models.source_text of this release."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def remember_imported_values(apps, schema_editor):
    alias = schema_editor.connection.alias
    for (app_label, model_name), names in IMPORTED_FIELDS.items():
        model = apps.get_model(app_label, model_name)
        historical = apps.get_model(app_label, f"Historical{model_name}")
        last_imported = {}
        for record in (
            historical.objects.using(alias)
            .filter(history_change_reason=IMPORT_REASON)
            .order_by("history_date", "history_id")
        ):
            last_imported[record.id] = record
        rows = [
            row
            for row in model.objects.using(alias).all()
            if row.pk in last_imported and not row.source_values
        ]
        for row in rows:
            record = last_imported[row.pk]
            row.source_values = {name: text(getattr(record, name)) for name in names}
        model.objects.using(alias).bulk_update(rows, ["source_values"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("benchmarks", "0010_conflict_records"),
        ("models_registry", "0004_source_values"),
    ]

    operations = [migrations.RunPython(remember_imported_values, migrations.RunPython.noop)]
