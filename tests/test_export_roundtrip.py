"""A backup (dumpdata, as the README tells curators) restored into an emptied database
gives back every field of every record: the catalogue, its history and the tickets."""

import datetime
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, User
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import models

from benchmarks.models import Benchmark, Category, Conflict, Result
from models_registry.models import AIModel, DatePrecision, License, Offering, Organization
from submissions.models import DataReport, RateLimitBucket, ResultSubmission
from tests.factories import (
    make_ai_model,
    make_benchmark,
    make_category,
    make_import_run,
    make_license,
    make_offering,
    make_organization,
    make_provider,
    make_result,
    make_source,
    save,
)

# The README's backup command: manage.py dumpdata <BACKUP_LABELS> --exclude <...>
# --natural-foreign --natural-primary --output backup.json.gz. JSON keeps every value
# exactly but times only to the millisecond (DjangoJSONEncoder); XML would keep the
# microseconds but its loader strips spaces around text, which real names carry.
BACKUP_LABELS = (
    "auth.user",
    "auth.group",
    "models_registry",
    "sources",
    "benchmarks",
    "submissions",
)
BACKUP_EXCLUDE = ["submissions.ratelimitbucket"]
CATALOGUE = (Organization, License, AIModel, Offering, Category, Benchmark, Result)


# The tests commit (transaction=True): a restore flushes the database for real, as a
# curator restoring into an emptied database does, which PostgreSQL refuses inside the
# transaction of a rolled-back test.


@pytest.fixture(autouse=True)
def _fresh_content_types():
    """flush recreates the content types under new ids: forget the cached ones."""
    yield
    ContentType.objects.clear_cache()


def backed_up_models() -> list[type[models.Model]]:
    backed_up = [User, Group]
    for label in ("models_registry", "sources", "benchmarks", "submissions"):
        backed_up += [
            m for m in apps.get_app_config(label).get_models() if m is not RateLimitBucket
        ]
    return backed_up


def natural_keys() -> dict[type[models.Model], dict[int, tuple]]:
    """Users and groups are restored by name, content types by app and model (their ids
    may change): compare them so."""
    return {
        User: {user.pk: user.natural_key() for user in User.objects.all()},
        Group: {group.pk: group.natural_key() for group in Group.objects.all()},
        ContentType: {kind.pk: kind.natural_key() for kind in ContentType.objects.all()},
    }


def snapshot() -> dict[str, dict]:
    """Every concrete field and many-to-many of every backed-up record, by identity;
    times to the millisecond, as a JSON backup keeps them."""
    by_natural_key = natural_keys()
    data = {}
    for model in backed_up_models():
        rows = {}
        for record in model._base_manager.order_by("pk"):
            row = {}
            for field in model._meta.concrete_fields:
                value = getattr(record, field.attname)
                if field.is_relation and field.related_model in by_natural_key:
                    value = by_natural_key[field.related_model].get(value, value)
                if isinstance(value, datetime.datetime):
                    value = value.replace(microsecond=value.microsecond // 1000 * 1000)
                row[field.attname] = value
            for field in model._meta.many_to_many:
                related = getattr(record, field.name).all()
                row[field.name] = sorted(
                    str(item.natural_key() if hasattr(item, "natural_key") else item.pk)
                    for item in related
                )
            identity = record.natural_key() if model in by_natural_key else record.pk
            if model in by_natural_key:
                del row[model._meta.pk.attname]
            rows[identity] = row
        data[model._meta.label_lower] = rows
    return data


def back_up_and_restore(directory: Path) -> None:
    backup = directory / "backup.json.gz"
    call_command(
        "dumpdata",
        *BACKUP_LABELS,
        exclude=BACKUP_EXCLUDE,
        natural_foreign=True,
        natural_primary=True,
        output=str(backup),
        stdout=io.StringIO(),
    )
    call_command("flush", interactive=False, verbosity=0)
    assert not any(model.objects.exists() for model in CATALOGUE)
    call_command("loaddata", str(backup), stdout=io.StringIO())


def build_catalogue(curator: User) -> None:
    """One of every kind of record, with every optional field both set and empty."""
    lab = make_organization(
        website="https://lab.example.org", country="FR", description="A lab.\nTwo lines."
    )
    make_organization()  # an organization without models
    open_licence = make_license(open_weights=True)
    unknown_licence = make_license(allows_commercial_use=False, open_weights=None)
    base = make_ai_model(
        organization=lab,
        license=open_licence,
        description="Base model ünïcode ✓",
        release_date=datetime.date(2024, 9, 1),
        release_date_precision=DatePrecision.MONTH,
        announcement_date=datetime.date(2024, 1, 1),
        announcement_date_precision=DatePrecision.YEAR,
        knowledge_cutoff=datetime.date(2024, 3, 15),
        parameter_count=405_000_000_000,
        training_tokens=15_000_000_000_000,
        input_context_length=128_000,
        output_context_length=8_192,
        multimodal=True,
        paper_url="https://arxiv.org/abs/2407.21783",
        weights_url="https://example.org/weights",
    )
    tuned = make_ai_model(
        organization=lab, license=unknown_licence, fine_tuned_from=base, release_date=None
    )
    bare = make_ai_model(organization=lab)
    provider = make_provider(website="https://provider.example.org")
    make_offering(
        provider=provider,
        ai_model=base,
        provider_model_name="base-405b",
        input_usd_per_million=Decimal("0.1234"),
        output_usd_per_million=Decimal("12.5000"),
        throughput=81.25,
        latency=0.42,
        quantization="fp8",
        supports_function_calling=True,
        supports_web_search=False,
        input_image=True,
        deprecated_at=datetime.datetime(2025, 6, 1, 12, 30, tzinfo=datetime.UTC),
    )
    make_offering(ai_model=tuned, input_usd_per_million=None, output_usd_per_million=None)
    reasoning, coding = make_category(description="Thinking."), make_category()
    parent = make_benchmark(
        categories=[reasoning, coding],
        max_score=Decimal("100"),
        higher_is_better=False,
        modality=Benchmark.Modality.MULTIMODAL,
        multilingual=True,
        language="de",
        paper_title="A paper",
        paper_authors="Ada Lovelace\nAlan Turing",
        paper_published_on=datetime.date(2023, 5, 17),
        paper_abstract="Abstract.",
        implementation_url="https://github.com/example/bench",
    )
    variant = make_benchmark(categories=[reasoning], parent=parent)
    make_benchmark()  # a benchmark without results or categories
    make_result(
        ai_model=base,
        benchmark=parent,
        score=Decimal("87.654321"),
        normalized_score=Decimal("0.876543"),
        analysis_method="5-shot CoT",
        source_record_id=123456789,
    )
    verified = make_result(
        ai_model=tuned,
        benchmark=parent,
        score=Decimal("12.5"),
        status=Result.Status.VERIFIED,
        verified_by="Benchboard",
        verified_on=datetime.date(2025, 2, 3),
        notes="Reproduced.",
    )
    third_party = make_result(
        ai_model=bare,
        benchmark=variant,
        score=Decimal("0.333333"),
        normalized_score=None,
        status=Result.Status.THIRD_PARTY,
        source_url="",
        recorded_on=None,
    )
    # A curated change, with its public reason and its curator, in the history.
    third_party.score = Decimal("0.4")
    third_party._change_reason = "Corrected from the paper"
    third_party._history_user = curator
    save(third_party)
    report = DataReport.objects.create(
        kind=DataReport.Kind.choices[0][0],
        description="The score is wrong.",
        suggested_value="13",
        email="visitor@example.org",
        result=verified,
        benchmark=parent,
        ai_model=tuned,
        assigned_to=curator,
        curator_notes="Checking.",
    )
    DataReport.objects.filter(pk=report.pk).update(
        closed_at=datetime.datetime(2025, 3, 1, tzinfo=datetime.UTC)
    )
    ResultSubmission.objects.create(
        ai_model=bare,
        benchmark=parent,
        score=Decimal("1.5"),
        source_url="https://example.org/new",
        comment="New result.",
    )
    # What a source last said of a model curators corrected, and the conflict its next
    # change raised: a conflict names any record by its content type.
    feed = make_source(slug="feed", name="A feed")
    run = make_import_run(source=feed, anomalies=[("scale", "a.json", "a fraction")])
    AIModel.objects.filter(pk=base.pk).update(
        source_values={"release_date": "2024-08-01", "name": base.name}
    )
    Conflict.objects.create(
        kind=Conflict.Kind.CHANGED,
        content_type=ContentType.objects.get_for_model(AIModel),
        object_id=base.pk,
        record_name=base.name,
        source=feed,
        run=run,
        field="release_date",
        ours="2024-09-01",
        theirs="2024-08-15",
    )


@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_every_field_of_every_record(tmp_path, curators_group):
    curator = User.objects.create_user("curator", "curator@example.org", "pw", is_staff=True)
    curator.groups.add(curators_group)
    build_catalogue(curator)
    before = snapshot()

    back_up_and_restore(tmp_path)

    after = snapshot()
    assert after == before
    assert {row["status"] for row in after["benchmarks.result"].values()} == set(
        Result.Status.values
    )
    assert len(after["benchmarks.historicalresult"]) == 4  # three created, one changed
    assert after["auth.user"][("curator",)]["groups"] == [str(curators_group.natural_key())]
    [conflict] = after["benchmarks.conflict"].values()
    assert (conflict["content_type_id"], conflict["field"]) == (
        ("models_registry", "aimodel"),
        "release_date",
    )
    assert Conflict.objects.get().record == AIModel.objects.get(pk=conflict["object_id"])
    # The restored database goes on: its id sequences are past the restored ids.
    assert make_organization().pk > max(before["models_registry.organization"])


@pytest.mark.django_db(transaction=True)
def test_the_real_llmstats_data_survives_a_backup_and_restore(tmp_path, llmstats_tree):
    call_command("import_llmstats", str(llmstats_tree), stdout=io.StringIO())
    before = snapshot()

    back_up_and_restore(tmp_path)

    assert snapshot() == before
    assert len(before["benchmarks.result"]) == 1256
    assert len(before["models_registry.aimodel"]) == 108
