import pytest
from django.core.exceptions import ValidationError

from benchmarks.models import Result
from models_registry.models import AIModel, License, Offering, Organization, Provider
from tests.factories import (
    make_ai_model,
    make_benchmark,
    make_license,
    make_offering,
    make_organization,
    make_provider,
    make_result,
)
from tests.test_curators import admin_url, log_in_curator, measure

pytestmark = pytest.mark.django_db


def add_ai_models(count: int) -> None:
    base = make_ai_model()
    for _ in range(count):
        make_ai_model(license=make_license(), fine_tuned_from=base)


CHANGELISTS = [
    (Organization, lambda count: [make_organization(country="FR") for _ in range(count)]),
    (License, lambda count: [make_license() for _ in range(count)]),
    (AIModel, add_ai_models),
    (Provider, lambda count: [make_provider() for _ in range(count)]),
    (Offering, lambda count: [make_offering() for _ in range(count)]),
]


@pytest.mark.parametrize(("model", "add_rows"), CHANGELISTS)
def test_changelist_queries_do_not_grow_with_rows(client, model, add_rows):
    log_in_curator(client)

    few, many = measure(client, admin_url(model, "changelist"), add_rows)

    assert few == many, f"{few} queries with 3 rows, {many} with 30"


def test_ai_model_page_queries_do_not_grow_with_results_and_offerings(client):
    ai_model = make_ai_model(license=make_license(), fine_tuned_from=make_ai_model())
    log_in_curator(client)

    def add_rows(count: int) -> None:
        for _ in range(count):
            make_result(ai_model=ai_model)
            make_offering(ai_model=ai_model)

    few, many = measure(client, admin_url(AIModel, "change", ai_model.pk), add_rows)

    assert few == many, f"{few} queries with 3 results and offerings, {many} with 30"


def test_ai_model_page_edits_results_and_offerings_in_place(client):
    ai_model = make_ai_model()
    result = make_result(ai_model=ai_model, benchmark=make_benchmark(name="GPQA"))
    offering = make_offering(ai_model=ai_model, provider=make_provider(name="Fireworks"))
    log_in_curator(client)

    response = client.get(admin_url(AIModel, "change", ai_model.pk))
    html = response.text

    assert [inline.has_add_permission for inline in response.context["inline_admin_formsets"]] == [
        False,
        False,
    ]
    assert 'name="results-0-score"' in html
    assert 'name="offerings-0-input_usd_per_million"' in html
    # The other side of each row is a link, not a widget that looks it up per row.
    assert 'name="results-0-benchmark"' not in html
    assert 'name="offerings-0-provider"' not in html
    assert f'href="{admin_url(Result, "change", result.pk)}"' in html
    assert f'href="{admin_url(Offering, "change", offering.pk)}"' in html
    assert f'href="{admin_url(Result, "add")}?ai_model={ai_model.pk}"' in html
    assert f'href="{admin_url(Offering, "add")}?ai_model={ai_model.pk}"' in html
    assert "Add a result for this model" in html


def test_add_links_are_not_shown_on_the_add_page(client):
    log_in_curator(client)

    html = client.get(admin_url(AIModel, "add")).text

    assert "Add a result for this model" not in html
    assert "Add an offering for this model" not in html


@pytest.mark.parametrize("model", [Result, Offering])
def test_add_form_opened_from_a_model_page_is_prefilled(client, model):
    ai_model = make_ai_model(name="Claude")
    log_in_curator(client)

    response = client.get(f"{admin_url(model, 'add')}?ai_model={ai_model.pk}")

    assert response.context["adminform"].form.initial["ai_model"] == str(ai_model.pk)
    assert f'<option value="{ai_model.pk}" selected>Claude</option>' in response.text


def test_ai_model_search_and_filters(client):
    open_license = make_license(open_weights=True)
    closed_license = make_license(open_weights=False)
    anthropic = make_organization(name="Anthropic")
    claude = make_ai_model(name="Claude", organization=anthropic, license=closed_license)
    llama = make_ai_model(name="Llama", license=open_license, multimodal=True)
    log_in_curator(client)
    url = admin_url(AIModel, "changelist")

    def listed(query: dict[str, object]) -> set[AIModel]:
        response = client.get(url, query)
        assert response.status_code == 200
        return set(response.context["cl"].result_list)

    assert listed({"q": "anthropic"}) == {claude}
    assert listed({"q": llama.slug}) == {llama}
    assert listed({"license__open_weights__exact": "1"}) == {llama}
    assert listed({"multimodal__exact": "1"}) == {llama}
    assert listed({"organization__id__exact": anthropic.pk}) == {claude}
    assert listed({"license__id__exact": closed_license.pk}) == {claude}
    assert listed({"release_date__year": "2025"}) == {claude, llama}


def test_a_model_cannot_take_another_models_name_in_any_case():
    """What the admin's form checks (ModelForm validates the model's constraints): pages
    list models by name, so two alike could not be told apart."""
    existing = make_ai_model(name="Claude 3.5 Sonnet (Oct 2024)")
    twin = AIModel(
        slug="twin", name="claude 3.5 sonnet (oct 2024)", organization=existing.organization
    )
    with pytest.raises(ValidationError, match="add what tells them apart"):
        twin.validate_constraints()
    twin.name = "Claude 3.5 Sonnet (Jun 2024)"
    twin.validate_constraints()
