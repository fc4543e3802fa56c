"""The Curators group and the admin's permission boundaries.

The helpers at the top (users, ticket builders, query counting) are shared by the
admin tests of each app.
"""

import importlib
import itertools
from collections.abc import Callable
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group, User
from django.db import connection
from django.http import HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from benchmarks.models import Result
from submissions.models import DataReport, ResultSubmission
from tests.factories import (
    make_ai_model,
    make_benchmark,
    make_category,
    make_license,
    make_offering,
    make_organization,
    make_provider,
    make_result,
)

pytestmark = pytest.mark.django_db

_users = itertools.count(1)


def make_user(*, groups: tuple[str, ...] = (), **fields) -> User:
    fields.setdefault("username", f"user-{next(_users)}")
    user = User.objects.create_user(**fields)
    user.groups.set(Group.objects.filter(name__in=groups))
    return user


def make_curator(**fields) -> User:
    return make_user(is_staff=True, groups=("Curators",), **fields)


def log_in_curator(client: Client) -> User:
    curator = make_curator()
    client.force_login(curator)
    return curator


def make_data_report(**fields) -> DataReport:
    fields.setdefault("kind", DataReport.Kind.WRONG_VALUE)
    fields.setdefault("description", "The score on the paper's table 2 is 71.3, not 73.1.")
    return DataReport.objects.create(**fields)


def make_result_submission(**fields) -> ResultSubmission:
    if "ai_model" not in fields:
        fields["ai_model"] = make_ai_model()
    if "benchmark" not in fields:
        fields["benchmark"] = make_benchmark()
    fields.setdefault("score", Decimal("0.7"))
    fields.setdefault("source_url", "https://example.org/results")
    return ResultSubmission.objects.create(**fields)


def count_queries(client: Client, url: str) -> int:
    """Queries for one GET of url, after a first GET has filled the per-process caches."""
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def measure(client: Client, url: str, add_rows: Callable[[int], object]) -> tuple[int, int]:
    """Query counts for url with 3 rows, then with 30, each row made by add_rows(count)."""
    add_rows(3)
    few = count_queries(client, url)
    add_rows(27)
    return few, count_queries(client, url)


def admin_url(model: type, view: str, *args: object) -> str:
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


def catalogue() -> dict[str, object]:
    """One row of every admin-registered model, keyed by model name, linked to each other."""
    organization = make_organization(name="Anthropic")
    license = make_license(name="Apache 2.0")
    provider = make_provider(name="Fireworks")
    category = make_category(name="Reasoning")
    benchmark = make_benchmark(name="GPQA", categories=[category])
    ai_model = make_ai_model(name="Claude", organization=organization, license=license)
    result = make_result(ai_model=ai_model, benchmark=benchmark)
    return {
        "organization": organization,
        "license": license,
        "provider": provider,
        "category": category,
        "benchmark": benchmark,
        "aimodel": ai_model,
        "result": result,
        "offering": make_offering(ai_model=ai_model, provider=provider),
        "datareport": make_data_report(result=result, benchmark=benchmark),
        "resultsubmission": make_result_submission(ai_model=ai_model, benchmark=benchmark),
    }


CATALOGUE_MODELS = [
    "models_registry.organization",
    "models_registry.license",
    "models_registry.aimodel",
    "models_registry.provider",
    "models_registry.offering",
    "benchmarks.category",
    "benchmarks.benchmark",
    "benchmarks.result",
]
TICKET_MODELS = ["submissions.datareport", "submissions.resultsubmission"]
ALL_MODELS = CATALOGUE_MODELS + TICKET_MODELS

EXPECTED_PERMISSIONS = (
    {
        f"{label}.{action}_{name}"
        for label, name in (model.split(".") for model in CATALOGUE_MODELS)
        for action in ("view", "add", "change", "delete")
    }
    | {
        f"{label}.{action}_{name}"
        for label, name in (model.split(".") for model in TICKET_MODELS)
        for action in ("view", "change", "delete")
    }
    | {
        # Settling what imports leave, and the sources' facts (0009).
        "benchmarks.view_conflict",
        "benchmarks.change_conflict",
        "sources.view_source",
        "sources.add_source",
        "sources.change_source",
        "sources.view_importrun",
        "sources.view_runanomaly",
        # Deciding the crosswalk's suggestions (models_registry 0005).
        "models_registry.view_modellink",
        "models_registry.change_modellink",
    }
)


def model_class(dotted: str) -> type:
    return apps.get_model(dotted)


def group_permissions() -> set[str]:
    permissions = Group.objects.get(name="Curators").permissions.select_related("content_type")
    return {f"{p.content_type.app_label}.{p.codename}" for p in permissions}


# The group


def test_curators_group_has_exactly_the_curation_permissions():
    assert group_permissions() == EXPECTED_PERMISSIONS
    assert len(EXPECTED_PERMISSIONS) == 8 * 4 + 2 * 3 + 9


def test_curators_group_has_nothing_on_accounts_sessions_or_logs():
    untouchable = {"auth", "admin", "sessions", "contenttypes"}
    assert not {perm for perm in group_permissions() if perm.split(".")[0] in untouchable}


def test_group_migration_reverses_and_reapplies():
    migration = importlib.import_module("submissions.migrations.0002_curators_group")
    schema_editor = SimpleNamespace(connection=connection)

    migration.delete_curators_group(apps, schema_editor)
    assert not Group.objects.filter(name="Curators").exists()

    migration.create_curators_group(apps, schema_editor)
    migration.create_curators_group(apps, schema_editor)
    importlib.import_module("models_registry.migrations.0005_model_links").grant(
        apps, schema_editor
    )
    assert group_permissions() == EXPECTED_PERMISSIONS


# Who gets in


@pytest.mark.parametrize("url", ["/admin/", admin_url(Result, "changelist")])
def test_anonymous_visitor_is_sent_to_the_login_page(client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith(f"{reverse('admin:login')}?next=")


@pytest.mark.parametrize("model", ALL_MODELS)
def test_curator_opens_every_changelist(client, model):
    catalogue()
    log_in_curator(client)

    response = client.get(admin_url(model_class(model), "changelist"))

    assert response.status_code == 200
    assert response.context["cl"].result_count == 1


@pytest.mark.parametrize("model", ALL_MODELS)
def test_curator_opens_every_change_page(client, model):
    rows = catalogue()
    log_in_curator(client)

    response = client.get(admin_url(model_class(model), "change", rows[model.split(".")[1]].pk))

    assert response.status_code == 200


@pytest.mark.parametrize("model", CATALOGUE_MODELS)
def test_curator_opens_every_add_page(client, model):
    log_in_curator(client)

    assert client.get(admin_url(model_class(model), "add")).status_code == 200


@pytest.mark.parametrize("model", TICKET_MODELS)
def test_tickets_cannot_be_added_in_the_admin(client, model):
    log_in_curator(client)

    assert client.get(admin_url(model_class(model), "add")).status_code == 403


def form_data(response: HttpResponse) -> dict[str, object]:
    """What a browser would post back from an admin change page, unchanged."""
    forms = [response.context["adminform"].form]
    data: dict[str, object] = {"_save": "Save"}
    for inline in response.context.get("inline_admin_formsets", ()):  # none on a revert
        forms.extend(inline.formset.forms)
        data |= {field.html_name: field.value() for field in inline.formset.management_form}
    for form in forms:
        data |= {field.html_name: field.value() for field in form if field.value() is not None}
    return data


def result_form(client: Client, url: str, **changes: object) -> dict[str, object]:
    """A result's change (or revert) form as the page at url gives it, with changes."""
    return form_data(client.get(url)) | changes


def test_curator_changes_a_score_through_the_change_form(client):
    result = make_result(score=Decimal("0.5"))
    log_in_curator(client)

    url = admin_url(Result, "change", result.pk)

    response = client.post(url, result_form(client, url, score="0.625", normalized_score="0.625"))

    assert response.status_code == 302
    assert response["Location"] == admin_url(Result, "changelist")
    result.refresh_from_db()
    assert result.score == Decimal("0.625")
    assert result.normalized_score == Decimal("0.625")


@pytest.mark.parametrize("model", ["auth.user", "auth.group"])
def test_curator_cannot_open_accounts(client, model):
    log_in_curator(client)

    assert client.get(admin_url(model_class(model), "changelist")).status_code == 403


@pytest.mark.parametrize("model", ALL_MODELS)
def test_staff_without_the_group_is_refused_every_changelist(client, model):
    client.force_login(make_user(is_staff=True))

    assert client.get(admin_url(model_class(model), "changelist")).status_code == 403


def test_staff_without_the_group_cannot_change_a_result(client):
    result = make_result(score=Decimal("0.5"))
    client.force_login(make_user(is_staff=True))

    data = {"score": "1", "normalized_score": "1", "_save": "Save"}
    response = client.post(admin_url(Result, "change", result.pk), data)

    assert response.status_code == 403
    result.refresh_from_db()
    assert result.score == Decimal("0.5")


# Autocomplete

AUTOCOMPLETE_FIELDS = [
    ("models_registry.aimodel", "organization", "organization", "Anthropic"),
    ("models_registry.aimodel", "license", "license", "Apache"),
    ("models_registry.aimodel", "fine_tuned_from", "aimodel", "Claude"),
    ("models_registry.offering", "ai_model", "aimodel", "claude"),
    ("models_registry.offering", "provider", "provider", "Fireworks"),
    ("benchmarks.benchmark", "parent", "benchmark", "GPQA"),
    ("benchmarks.benchmark", "categories", "category", "reason"),
    ("benchmarks.result", "ai_model", "aimodel", "Claude"),
    ("benchmarks.result", "benchmark", "benchmark", "gpqa"),
    ("submissions.datareport", "benchmark", "benchmark", "GPQA"),
    ("submissions.datareport", "ai_model", "aimodel", "Claude"),
    ("submissions.datareport", "result", "result", "GPQA"),
    ("submissions.resultsubmission", "ai_model", "aimodel", "Claude"),
    ("submissions.resultsubmission", "benchmark", "benchmark", "GPQA"),
    ("submissions.resultsubmission", "result", "result", "Claude"),
]


def autocomplete(client: Client, source: str, field_name: str, term: str):
    app_label, model_name = source.split(".")
    query = {"app_label": app_label, "model_name": model_name, "field_name": field_name}
    return client.get(reverse("admin:autocomplete"), query | {"term": term})


@pytest.mark.parametrize(("source", "field_name", "target", "term"), AUTOCOMPLETE_FIELDS)
def test_curator_uses_every_autocomplete(client, source, field_name, target, term):
    rows = catalogue()
    make_ai_model(name="Unrelated")
    log_in_curator(client)

    assert field_name in admin.site.get_model_admin(model_class(source)).autocomplete_fields

    response = autocomplete(client, source, field_name, term)

    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [str(rows[target].pk)]


def test_staff_without_the_group_cannot_use_autocomplete(client):
    catalogue()
    client.force_login(make_user(is_staff=True))

    assert autocomplete(client, "benchmarks.result", "ai_model", "Claude").status_code == 403


def test_autocomplete_of_results_does_not_query_per_result(client):
    benchmark = make_benchmark(name="GPQA")
    log_in_curator(client)
    query = "app_label=submissions&model_name=datareport&field_name=result&term=gpqa"

    def add_rows(count: int) -> None:
        for _ in range(count):
            make_result(benchmark=benchmark)

    few, many = measure(client, f"{reverse('admin:autocomplete')}?{query}", add_rows)

    assert few == many, f"{few} queries with 3 results, {many} with 30"
