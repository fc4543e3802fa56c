"""A model's page on the real snapshot: each result once, with its benchmark's categories,
and a category filter that works without JavaScript."""

import html
import re

from django.db.models import Count

from benchmarks.models import Category, Result
from models_registry.models import AIModel

MEDGEMMA = "medgemma-4b-it"


def results_section(content: str) -> str:
    return content.split('aria-labelledby="results"', 1)[1].split("</section>", 1)[0]


def rows(content: str) -> dict[str, list[str]]:
    """Each row of the results table: its benchmark's slug, with the slugs of the category
    links under the benchmark's name."""
    body = results_section(content).split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    found: dict[str, list[str]] = {}
    for row in re.findall(r"<tr>(.*?)</tr>", body, re.S):
        header = re.search(r'<th scope="row">(.*?)</th>', row, re.S)[1]
        slug = re.match(r'<a href="/benchmarks/([^/"]+)/">', header)[1]
        assert slug not in found, f"{slug} shows twice"
        found[slug] = re.findall(r'<a class="tag" href="/categories/([^/"]+)/">', header)
    return found


def category_filter(content: str) -> list[tuple[str, str, int]]:
    """The filter's links: (href, label, count)."""
    nav = results_section(content).split('class="category-filter"', 1)[1].split("</nav>")[0]
    return [
        (html.unescape(href), label.strip(), int(count))
        for href, label, count in re.findall(
            r'<a href="([^"]+)"[^>]*>([^<]+)<span class="count">(\d+)</span></a>', nav
        )
    ]


def categories_of(slugs) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {slug: [] for slug in slugs}
    for category in Category.objects.filter(benchmarks__slug__in=slugs).values_list(
        "benchmarks__slug", "slug"
    ):
        found[category[0]].append(category[1])
    return {slug: sorted(categories) for slug, categories in found.items()}


def test_medgemma_shows_each_of_its_results_once_with_its_categories(client):
    medgemma = AIModel.objects.get(slug=MEDGEMMA)
    results = Result.objects.filter(ai_model=medgemma)

    content = client.get(medgemma.get_absolute_url()).content.decode()

    shown = rows(content)
    # Seven results on seven benchmarks: seven rows (under categories they were 20).
    assert len(shown) == results.count() == 7
    assert set(shown) == set(results.values_list("benchmark__slug", flat=True))
    assert {slug: sorted(found) for slug, found in shown.items()} == categories_of(shown)
    assert all(shown.values())  # every benchmark here has a category


def test_medgemmas_category_filter_lists_and_filters_by_each_category(client):
    medgemma = AIModel.objects.get(slug=MEDGEMMA)
    url = medgemma.get_absolute_url()
    content = client.get(url).content.decode()
    expected = dict(
        Category.objects.filter(benchmarks__results__ai_model=medgemma)
        .annotate(n=Count("benchmarks", distinct=True))
        .values_list("slug", "n")
    )

    links = category_filter(content)

    assert links[0] == ("?#results", "All", 7)
    assert {href: count for href, _, count in links[1:]} == {
        f"?category={slug}#results": count for slug, count in expected.items()
    }
    assert [count for _, _, count in links[1:]] == sorted(expected.values(), reverse=True)
    for href, label, count in links[1:]:
        slug = href.removeprefix("?category=").removesuffix("#results")
        filtered = client.get(url + href.removesuffix("#results")).content.decode()
        shown = rows(filtered)
        assert len(shown) == count, label
        assert all(slug in categories for categories in shown.values()), label
        assert f'<a href="{href}" aria-current="true">{label} ' in filtered
        assert f"{count} of 7 results, on the benchmarks in" in filtered


def test_every_model_page_shows_each_benchmark_once(client):
    """The page shows a model's best result on each benchmark: one row a benchmark, on
    every model of the snapshot."""
    counts = AIModel.objects.annotate(
        benchmarks=Count("results__benchmark", distinct=True)
    ).values_list("slug", "benchmarks")
    for slug, benchmarks in counts:
        content = client.get(f"/models/{slug}/").content.decode()
        if benchmarks:
            assert len(rows(content)) == benchmarks, slug
        else:
            assert "No benchmark results for" in content, slug
