"""The header's suggestions on the real LLM Stats snapshot."""

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext

URL = "/search/suggestions/"


def options(client, q: str) -> list[tuple[str, str, str]]:
    """(kind, name without its marks, link) of every option, top to bottom."""
    content = client.get(URL, {"q": q}, headers={"HX-Request": "true"}).content.decode()
    return [
        (kind, re.sub(r"</?mark>", "", name), url)
        for url, name, kind in re.findall(
            r'<a role="option" [^>]*href="([^"]+)"[^>]*>\s*'
            r'<span class="site-suggest-name">(.*?)</span>.*?'
            r'<span class="visually-hidden">, (\w+)</span>',
            content,
            re.S,
        )
    ]


def test_gpt_suggests_real_gpt_models(client):
    found = options(client, "gpt")
    assert len(found) == 8
    assert {kind for kind, _name, _url in found} == {"model"}
    names = [name for _kind, name, _url in found]
    assert all(name.startswith("GPT") for name in names)
    assert "GPT-4" in names and "GPT-3.5 Turbo" in names
    assert ("model", "GPT-4", "/models/gpt-4-0613/") in found


def test_gpqa_suggests_the_gpqa_benchmark_first(client):
    found = options(client, "gpqa")
    assert found[0] == ("benchmark", "GPQA", "/benchmarks/gpqa/")
    assert ("benchmark", "GPQA Biology", "/benchmarks/gpqa-biology/") in found


def test_an_exact_organization_or_category_comes_first(client):
    assert options(client, "openai")[0] == ("organization", "OpenAI", "/organizations/openai/")
    qwen = options(client, "qwen")
    # Its id is exactly "qwen".
    assert qwen[0] == ("organization", "Alibaba Cloud / Qwen Team", "/organizations/qwen/")
    assert [kind for kind, _name, _url in qwen[1:]] == ["model"] * 7
    math = options(client, "math")
    # Both exact matches get a place, each in its kind's group.
    assert math[0] == ("benchmark", "MATH", "/benchmarks/math/")
    assert math[-1] == ("category", "Math", "/categories/math/")


def test_every_suggestion_opens_a_page(client):
    for q in ["gpt", "gpqa", "claude", "math", "llama", "code"]:
        for _kind, _name, url in options(client, q):
            assert client.get(url).status_code == 200, url


def test_four_queries_for_any_query(client, uncached_pages):
    for q in ["g", "gpt", "zzzz", "a"]:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL, {"q": q}).status_code == 200
        assert len(queries) == 4, q
