"""/providers/ and /providers/<slug>/ on the vendored LLM Stats snapshot."""

import re

from models_registry.models import Offering, Provider

DASH = "\N{EN DASH}"


def row_of(content: str, name: str) -> list[str]:
    """The text cells of the row whose header names name (visually hidden text left out)."""
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", content.split("<tbody>", 1)[1], re.S):
        cells = [
            " ".join(
                re.sub(
                    r"<[^>]+>", " ", re.sub(r'<span class="visually-hidden">.*?</span>', "", cell)
                ).split()
            )
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        ]
        if cells[0].startswith(name):
            return cells
    raise AssertionError(f"no row for {name}")


def test_every_provider_and_its_offerings_are_imported_with_their_speed():
    assert Provider.objects.count() == 20
    assert Offering.objects.count() == 244
    assert Offering.objects.filter(throughput__isnull=False).count() == 228
    assert Offering.objects.filter(latency__isnull=False).count() == 227


def test_the_list_shows_real_price_ranges_and_medians(client):
    content = client.get("/providers/").content.decode()
    assert len(re.findall(r'<th scope="row"><a href="/providers/', content)) == 20
    assert row_of(content, "Groq") == [
        "Groq", "8", f"$0.05 {DASH} $0.59", f"$0.08 {DASH} $7.9", "403.7 tok/s", "0.50 s"
    ]  # fmt: skip
    assert row_of(content, "DeepInfra")[:4] == [
        "DeepInfra",
        "30",
        f"$0.01 {DASH} $1.79",
        f"$0.02 {DASH} $2.5",
    ]
    assert row_of(content, "Cohere") == ["Cohere", "1", "$0.25", "$1", "59 tok/s", "0.65 s"]
    assert row_of(content, "Cerebras")[4] == "2047 tok/s"


def test_the_list_sorts_the_real_providers(client):
    def first(sort: str) -> str:
        content = client.get("/providers/", {"sort": sort}).content.decode()
        return re.search(r'<th scope="row"><a href="/providers/[^"]+">([^<]+)</a>', content)[1]

    assert first("") == "Anthropic"
    assert first("-models") == "DeepInfra"
    assert first("-throughput") == "Cerebras"
    assert first("-latency") == "OpenAI"


def test_a_provider_page_shows_its_real_offerings(client):
    content = client.get("/providers/groq/").content.decode()
    assert "<h1>Groq</h1>" in content
    assert '<a href="https://groq.com/" rel="external noopener">' in content
    assert len(re.findall(r"<tr[^>]*>", content.split("<tbody>", 1)[1])) == 8
    assert row_of(content, "Llama 3.1 70B Instruct") == [
        "Llama 3.1 70B Instruct Meta", "$0.59", "$0.78", "128K", "250 tok/s", "0.50 s", DASH,
        "Tools JSON Batch",
    ]  # fmt: skip
    assert row_of(content, "GPT OSS 120B")[:5] == [
        "GPT OSS 120B OpenAI", "$0.15", "$0.6", "131K", "500 tok/s"
    ]  # fmt: skip
    assert '<a href="/models/llama-3.1-70b-instruct/">Llama 3.1 70B Instruct</a>' in content


def test_quantization_is_shown_where_known(client):
    content = client.get("/providers/deepinfra/", {"sort": "-context"}).content.decode()
    assert row_of(content, "DeepSeek-V3.1")[6] == "int4"
    assert row_of(content, "Llama 4 Scout")[3] == "10M"


def test_the_model_page_links_its_providers(client):
    content = client.get("/models/llama-3.1-70b-instruct/").content.decode()
    assert '<a href="/providers/groq/">Groq</a>' in content
