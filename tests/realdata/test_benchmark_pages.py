"""Benchmark pages on the real LLM Stats snapshot, with the curators' decisions shipped in
data/llmstats-curations.json (as `make run` serves them)."""

import csv
import io
import json
import re

import pytest

from benchmarks.models import Benchmark
from models_registry.models import AIModel

LEAD = re.compile(r"leads the .+? leaderboard with a score of (\S+?)[ ;]")


def text(content: str) -> str:
    """The page's words, without tags or scripts."""
    content = re.sub(r"<script.*?</script>", " ", content, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", content))


def table_scores(content: str) -> list[str]:
    """The score cell of each leaderboard row (the third column), as text."""
    rows = re.findall(r"<tr><td>[^<]*</td><th scope=\"row\">.*?</th><td>(.*?)</td>", content)
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in rows]


def structured_answers(content: str) -> dict[str, str]:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', content, re.S)
    faq = next(item for item in map(json.loads, blocks) if item["@type"] == "FAQPage")
    return {q["name"]: q["acceptedAnswer"]["text"] for q in faq["mainEntity"]}


def test_every_benchmark_page_states_its_leader_in_one_unit(client):
    """The lead sentence, the table's first row and the FAQ give the leader's score alike,
    on every benchmark of the snapshot with a ranked result."""
    checked = 0
    for benchmark in Benchmark.objects.filter(scored_model_count__gt=0):
        content = client.get(benchmark.get_absolute_url()).content.decode()
        lead = LEAD.search(content)
        assert lead, benchmark.slug
        shown = lead.group(1)
        assert table_scores(content)[0].startswith(shown), benchmark.slug
        best = next(a for q, a in structured_answers(content).items() if "score?" in q)
        assert f"score is {shown}," in best, benchmark.slug
        checked += 1
    assert checked == 339


@pytest.mark.parametrize(
    ("slug", "fractions"),
    [
        # Benchmarks whose source mixes fractions with its own scale (the cases).
        ("mbpp", ["0.913"]),
        ("mt-bench", ["0.935", "0.917"]),
        ("evalplus", ["0.803"]),
        ("fleurs", ["0.041", "0.067"]),
    ],
)
def test_a_benchmark_of_mixed_sources_speaks_percent_everywhere(client, slug, fractions):
    content = client.get(f"/benchmarks/{slug}/").content.decode()
    words = text(content)
    for fraction in fractions:
        assert fraction not in words, fraction
    assert all(score.split()[0].endswith("%") for score in table_scores(content))
    average = re.search(r"The current average across reported models is (\S+),", words)
    assert average.group(1).endswith("%")
    chart = json.loads(re.search(r'id="progress-data" type="application/json">(.*?)<', content)[1])
    assert chart["yLabel"] == "Score (percent)"
    assert chart["unit"] == "%"


def test_codeforces_speaks_elo_with_the_reported_fraction_beside_it(client):
    content = client.get("/benchmarks/codeforces/").content.decode()
    words = text(content)
    assert (
        "GPT OSS 120B from OpenAI currently leads the CodeForces leaderboard with a score of 2622"
        in words
    )
    assert "scored in points out of 3000" in words
    assert (
        "The current average across reported models is 2209.5, with the leader reaching 2622."
        in words
    )
    assert "(87.4%)" not in words
    assert table_scores(content)[0] == "2622 (reported as 0.874)"
    assert "The highest CodeForces score is 2622, achieved by GPT OSS 120B" in words
    chart = json.loads(re.search(r'id="progress-data" type="application/json">(.*?)<', content)[1])
    assert chart["yLabel"] == "Score (points out of 3000)"
    assert max(point[1] for point in chart["points"]) == 2622.0

    download = client.get("/benchmarks/codeforces/leaderboard.csv").content.decode()
    first = next(csv.DictReader(io.StringIO(download)))
    assert (first["score"], first["score_unit"], first["reported_score"]) == (
        "2622",
        "points out of 3000",
        "0.874",
    )


def test_fleurs_ranks_word_error_rates_lowest_first_as_curators_decided(client):
    content = client.get("/benchmarks/fleurs/").content.decode()
    words = text(content)
    assert "scored in percent (lower scores are better)" in words
    models = re.findall(r'<th scope="row"><a href="/models/([^/]+)/">', content)
    assert models == [
        "qwen2.5-omni-7b",
        "gemini-1.0-pro",
        "gemini-1.5-pro",
        "gemini-1.5-flash",
        "gemini-1.5-flash-8b",
    ]
    scores = table_scores(content)
    assert scores[:4] == ["4.1%", "6.4%", "6.7%", "9.6%"]
    # Stored as its word error rate by the curators' decision, the source's 1 - WER beside it.
    assert scores[4] == "13.6% corrected by curators; source: 86.4%"
    assert "The best (lowest) FLEURS score is 4.1%, achieved by Qwen2.5-Omni-7B" in words
    assert "(rank #1)" in structured_answers(content)["What is the best open model on FLEURS?"]
    assert "The best score fell from 6.4% (Gemini 1.0 Pro, Feb 2024) to 4.1%" in words
    # The change log says what curators decided and why.
    assert "Higher is better from yes to no" in words
    assert "stored as its word error rate, 0.136" in words


def test_pages_show_when_results_were_published_not_when_they_were_imported(client):
    words = text(client.get("/benchmarks/gpqa/").content.decode())
    assert "Newest result published 15 Oct 2025" in words
    assert "Last updated" not in words
    model = text(client.get("/models/gpt-5-2025-08-07/").content.decode())
    assert "Last updated" not in model and "Last changed on Benchboard" in model
    home = client.get("/").content.decode()
    latest = home.split('id="home-results"')[1]
    dates = re.findall(r'<time datetime="(\d{4}-\d{2}-\d{2})">', latest)
    assert dates and max(dates) <= "2025-10-16"  # the snapshot's date
    assert dates == sorted(dates, reverse=True)


def test_models_named_alike_are_told_apart_everywhere(client):
    assert AIModel.objects.filter(name__startswith="Claude 3.5 Sonnet (").count() == 2
    names = list(AIModel.objects.values_list("name", flat=True))
    assert len({name.casefold() for name in names}) == len(names)
    gpqa = client.get("/benchmarks/gpqa/").content.decode()
    listed = re.findall(r'<th scope="row"><a href="[^"]+">([^<]+)</a>', gpqa)
    assert len(listed) == len(set(listed))
    assert "Claude 3.5 Sonnet (Oct 2024)" in listed
    options = re.findall(r"<option[^>]*>([^<]+)</option>", gpqa)
    assert len(options) == len(set(options))


def test_a_family_page_shows_its_variants_results_labelled(client):
    content = client.get("/benchmarks/swe-bench-verified/").content.decode()
    first = re.search(r'<th scope="row">(.*?)</th><td>(.*?)</td>', content)
    assert (
        "Claude Sonnet 4.5" in first[1]
        and '<span class="variant">Agentic Coding</span>' in first[1]
    )
    assert first[2].startswith("77.2%")
    assert "Shown with its variants" in content
    variant = client.get("/benchmarks/swe-bench-verified-(agentless)/").content.decode()
    assert "A variant of" in variant and 'href="/benchmarks/swe-bench-verified/"' in variant

    compare = text(
        client.get("/compare/?models=claude-sonnet-4-5-20250929,gpt-5-2025-08-07").content.decode()
    )
    assert (
        "SWE-Bench Verified Best 77.2% 1st of 2 on the Agentic Coding variant "
        "74.9% 1st of 36 on SWE-Bench Verified itself"
    ) in compare


def test_the_leader_is_highlighted_with_a_bar_on_a_percent_scale(client):
    content = client.get("/benchmarks/mimic-cxr/").content.decode()
    highlight = text(content.split('class="highlights"')[1].split("</div>")[0])
    assert "Leader MedGemma 4B IT Google leads with 88.9%" in highlight
    assert "<meter aria-hidden=true value=.889></meter>" in content
    assert "<meter" not in client.get("/benchmarks/codeforces/").content.decode()
