"""A re-import never undoes a curator's change to the records the source describes (its
models, benchmarks and their categories, organizations, licences, providers and
offerings), by the same rule as results: tests/ingest/test_sync.py."""

import datetime
import importlib
import json
import shutil
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import QuerySet

from benchmarks.models import Benchmark, Category, Conflict
from benchmarks.services import settle_conflict
from models_registry.models import AIModel, License, Offering
from tests.ingest.test_sync import run_import
from tests.test_curators import make_curator

pytestmark = pytest.mark.django_db

GPT_4O = "gpt-4o-2024-08-06"
MODEL_FILE = Path("data/organizations/openai/models") / GPT_4O / "model.json"
MMLU_FILE = Path("data/benchmarks/mmlu.json")


@pytest.fixture
def edited_source(llmstats_tree: Path, tmp_path: Path) -> Callable[..., Path]:
    """A copy of the data with some keys of one of its files set anew."""

    def make(folder: str, file: Path, /, **values: object) -> Path:
        copy = tmp_path / folder
        shutil.copytree(llmstats_tree / "data", copy / "data")
        path = copy / file
        path.write_text(json.dumps({**json.loads(path.read_text()), **values}))
        return copy

    return make


def gpt_4o() -> AIModel:
    return AIModel.objects.get(slug=GPT_4O)


def curate(record, reason: str = "Corrected by curators", **values: object) -> None:
    """Change fields of a record and save it as the admin does, with a public reason."""
    for name, value in values.items():
        setattr(record, name, value)
    record._change_reason = reason
    record.save()


def conflicts_about(model: type) -> QuerySet[Conflict]:
    return Conflict.objects.filter(content_type=ContentType.objects.get_for_model(model))


def mmlu_categories() -> set[str]:
    return set(Benchmark.objects.get(slug="mmlu").categories.values_list("slug", flat=True))


def test_a_model_a_curator_corrected_keeps_the_correction(llmstats_tree):
    run_import(llmstats_tree)
    curate(gpt_4o(), release_date=datetime.date(2024, 8, 7))

    output = run_import(llmstats_tree)

    model = gpt_4o()
    assert model.release_date == datetime.date(2024, 8, 7)
    assert model.source_values["release_date"] == "2024-08-06"
    assert "Changed: nothing" in output
    assert not Conflict.objects.filter(kind=Conflict.Kind.CHANGED).exists()


def test_the_source_changing_another_field_changes_only_that(llmstats_tree, edited_source):
    run_import(llmstats_tree)
    curate(gpt_4o(), release_date=datetime.date(2024, 8, 7))

    run_import(edited_source("described", MODEL_FILE, description="GPT-4o, described anew."))

    model = gpt_4o()
    assert (model.release_date, model.description) == (
        datetime.date(2024, 8, 7),
        "GPT-4o, described anew.",
    )
    assert not conflicts_about(AIModel).exists()


def test_a_model_field_both_changed_is_a_conflict_settled_once(llmstats_tree, edited_source):
    run_import(llmstats_tree)
    curator = make_curator()
    curate(gpt_4o(), release_date=datetime.date(2024, 8, 7))
    moved = edited_source("moved", MODEL_FILE, release_date="2024-08-09")

    output = run_import(moved)
    run_import(moved)  # the same conflict is not raised twice

    assert gpt_4o().release_date == datetime.date(2024, 8, 7)
    conflict = conflicts_about(AIModel).get()
    assert (conflict.object_id, conflict.field, conflict.ours, conflict.theirs) == (
        gpt_4o().pk,
        "release_date",
        "2024-08-07",
        "2024-08-09",
    )
    assert conflict.subject == "GPT-4o (Aug 2024) (AI model)"
    assert "GPT-4o (Aug 2024) (AI model): release_date is 2024-08-07 by curators" in output

    settle_conflict(conflict, take_source=True, curator=curator, reason="The lab moved it")

    model = gpt_4o()
    assert model.release_date == datetime.date(2024, 8, 9)
    assert model.history.first().history_change_reason == "The lab moved it"
    assert "Changed: nothing" in run_import(moved)
    assert conflicts_about(AIModel).get().status == Conflict.Status.TOOK_SOURCE


def test_keeping_ours_stays_kept_when_the_source_says_the_same_again(llmstats_tree, edited_source):
    run_import(llmstats_tree)
    curate(gpt_4o(), name="GPT-4o (6 August 2024)")
    renamed = edited_source("renamed", MODEL_FILE, name="GPT-4o 2024-08-06")
    run_import(renamed)

    settle_conflict(
        conflicts_about(AIModel).get(),
        take_source=False,
        curator=make_curator(),
        reason="Our name tells the versions apart",
    )
    run_import(renamed)

    assert gpt_4o().name == "GPT-4o (6 August 2024)"
    assert conflicts_about(AIModel).count() == 1


def test_categories_a_curator_changed_stay_and_a_source_change_is_a_conflict(
    llmstats_tree, edited_source
):
    run_import(llmstats_tree)
    mmlu = Benchmark.objects.get(slug="mmlu")
    mmlu.categories.remove(Category.objects.get(slug="math"))

    run_import(llmstats_tree)
    assert mmlu_categories() == {"general", "reasoning", "language"}

    recategorized = edited_source("recategorized", MMLU_FILE, categories=["general", "math"])
    run_import(recategorized)

    assert mmlu_categories() == {"general", "reasoning", "language"}
    conflict = conflicts_about(Benchmark).get()
    assert (conflict.field, conflict.ours, conflict.theirs) == (
        "categories",
        "general, language, reasoning",
        "general, math",
    )
    settle_conflict(conflict, take_source=True, curator=make_curator(), reason="As the source")
    assert mmlu_categories() == {"general", "math"}
    assert "Changed: nothing" in run_import(recategorized)


def test_an_offering_price_a_curator_corrected_survives(llmstats_tree):
    run_import(llmstats_tree)
    offering = Offering.objects.filter(ai_model__slug=GPT_4O).order_by("pk").first()
    curate(offering, input_usd_per_million=Decimal("2.2"))

    run_import(llmstats_tree)

    offering.refresh_from_db()
    assert offering.input_usd_per_million == Decimal("2.2")


def test_a_curator_settles_a_model_conflict_in_the_admin(client, llmstats_tree, edited_source):
    run_import(llmstats_tree)
    curator = make_curator()
    curate(gpt_4o(), release_date=datetime.date(2024, 8, 7))
    run_import(edited_source("moved", MODEL_FILE, release_date="2024-08-09"))
    conflict = conflicts_about(AIModel).get()
    client.force_login(curator)

    listing = client.get("/admin/benchmarks/conflict/?status__exact=open").content.decode()
    assert "GPT-4o (Aug 2024) (AI model)" in listing
    url = f"/admin/benchmarks/conflict/{conflict.pk}/change/"
    page = client.get(url).content.decode()
    assert f'href="/admin/models_registry/aimodel/{gpt_4o().pk}/change/"' in page
    response = client.post(url, {"decision": "take", "settle_reason": "The lab moved it"})

    assert response.status_code == 302
    assert gpt_4o().release_date == datetime.date(2024, 8, 9)


def test_a_conflict_over_a_link_names_the_records(client, llmstats_tree, edited_source):
    """A licence is a foreign key: curators read the licences' names, not their ids."""
    run_import(llmstats_tree)
    curate(gpt_4o(), license=License.objects.get(slug="mit"))
    run_import(edited_source("relicensed", MODEL_FILE, license_id="apache_2_0"))
    client.force_login(make_curator())

    conflict = conflicts_about(AIModel).get()
    assert conflict.field == "license_id"
    page = client.get(f"/admin/benchmarks/conflict/{conflict.pk}/change/").content.decode()

    mit, apache = License.objects.get(slug="mit"), License.objects.get(slug="apache_2_0")
    assert f"{mit.name} (id {mit.pk})" in page
    assert f"{apache.name} (id {apache.pk})" in page
    assert gpt_4o().license == mit


def test_a_correction_made_before_the_upgrade_survives_the_next_import(llmstats_tree):
    """Records imported before source_values was kept: the migration takes what the
    source said from their last import's history record."""
    run_import(llmstats_tree)
    AIModel.objects.update(source_values={})
    Benchmark.objects.update(source_values={})
    curate(gpt_4o(), release_date=datetime.date(2024, 8, 7))
    migration = importlib.import_module("benchmarks.migrations.0011_record_baselines")

    migration.remember_imported_values(apps, SimpleNamespace(connection=connection))

    assert gpt_4o().source_values["release_date"] == "2024-08-06"
    assert Benchmark.objects.get(slug="mmlu").source_values["max_score"] == "1"
    run_import(llmstats_tree)
    assert gpt_4o().release_date == datetime.date(2024, 8, 7)
